package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.bench.SseReplay;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.skeleton.ResponseMapper;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The OpenAI adapter's wire work without its HTTP client, opened up for the benchmarks (the
 * mappers are package-private): the same parts the provider's skeleton calls, in the same order.
 */
public final class OpenAiWire {
    private final ObjectMapper json = new ObjectMapper();
    private final ResponseMapper responses = OpenAiProviderFactory.responses(json);
    private final OpenAiErrorMapper errors = new OpenAiErrorMapper(Optional.empty(), Clock.systemUTC());

    /** The request body sent upstream, as bytes. */
    public byte[] requestBody(ChatRequest request, String providerModel, boolean stream) {
        try {
            return json.writeValueAsBytes(OpenAiRequestMapper.map(request, providerModel, stream));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An upstream completion body read into the adapter's result, by the provider's own mapper. */
    public Object completion(byte[] body) {
        return responses.completion(new HttpReply(200, Map.of(), body));
    }

    /** The same, always through the tree (the reading that {@link #completion} falls back to). */
    public Object completionByTree(byte[] body) {
        try {
            JsonNode root = json.readTree(body);
            return OpenAiResponseMapper.completion(root);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Parses a whole SSE body and hands each event the assembler makes to {@code sink}; returns the chunk count. */
    public int stream(byte[] sse, Consumer<StreamEvent> sink) {
        var assembler = new StreamAssembler(new OpenAiStreamDecoder(json), errors);
        return SseReplay.replay(sse, sink, assembler::accept, assembler::done, assembler::result, assembler::events);
    }
}
