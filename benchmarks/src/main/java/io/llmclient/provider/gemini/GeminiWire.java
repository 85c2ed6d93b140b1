package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Gemini adapter's stream parsing without its HTTP client, opened up for the benchmarks, in
 * the order {@link GeminiProvider} runs it: read the event, parse its JSON, read the chunk, assemble.
 */
public final class GeminiWire {
    private final ObjectMapper json = new ObjectMapper();

    /** Parses a whole SSE body and hands each event to {@code sink}; returns the SSE event count. */
    public int stream(byte[] sse, CallContext context, Consumer<StreamEvent> sink) {
        try {
            var reader = new EventStreamReader(new ByteArrayInputStream(sse));
            var assembler = new ReplyAssembler();
            int events = 0;
            for (Optional<ServerSentEvent> next = reader.next(); next.isPresent(); next = reader.next()) {
                events++;
                GeminiChunk chunk = GeminiChunk.read(json.readTree(next.get().data().getBytes(StandardCharsets.UTF_8)));
                var calls = assembler.add(chunk);
                if (!chunk.text().isEmpty()) {
                    sink.accept(new StreamEvent.Delta(chunk.text()));
                }
                calls.forEach(sink);
            }
            sink.accept(new StreamEvent.Completed(assembler.finish(context, Duration.ZERO)));
            return events;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
