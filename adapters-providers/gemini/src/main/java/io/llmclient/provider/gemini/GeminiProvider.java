package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webclient.api.HttpClientResponse;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.json.SharedBufferJson;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;

/**
 * Google Gemini through {@code generateContent} and {@code streamGenerateContent?alt=sse}.
 * Classifies every failure into the port's error contract and throws; retries are the
 * application's.
 */
final class GeminiProvider implements LlmProvider {
    private static final ObjectMapper JSON = SharedBufferJson.mapperBuilder().build();

    private final Optional<GeminiHttp> http;
    private final Availability availability;
    private final Optional<ApiKey> key;

    /** {@code http} is empty when the provider cannot be called; {@code availability} says why. */
    GeminiProvider(Optional<GeminiHttp> http, Availability availability, Optional<ApiKey> key) {
        this.http = http;
        this.availability = availability;
        this.key = key;
    }

    @Override
    public ProviderId id() {
        return ProviderId.GEMINI;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        GeminiHttp client = client(context);
        var body = GeminiRequestMapper.map(request);
        long start = System.nanoTime();
        // The answer's bytes count against the shared budget until it has been mapped.
        try (ResponseBudget.Reservation held = client.exchange().reserve()) {
            // Bounded as a whole by the request timeout (ProviderExchange.exchange).
            HttpReply reply = client.call(context.model().providerModel() + ":generateContent", body, context.a2a(),
                    held);
            if (!reply.successful()) {
                throw new LlmFailureException(
                        GeminiErrors.fromResponse(reply.status(), reply::header, reply.body(), key, Instant.now()));
            }
            JsonNode root = parse(reply.body());
            failIfError(root);
            var assembler = new ReplyAssembler();
            assembler.add(GeminiChunk.read(root));
            return assembler.finish(context, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        GeminiHttp client = client(context);
        var body = GeminiRequestMapper.map(request);
        long start = System.nanoTime();
        HttpClientResponse response = client.post(context.model().providerModel() + ":streamGenerateContent", true,
                body, context.a2a());
        // Closing the response on every way out (sink threw, interrupted, failure) drops the upstream
        // connection: Helidon closes, rather than drains, a connection whose entity was not read to the end.
        try (response; ResponseBudget.Reservation held = client.exchange().reserve()) {
            int status = response.status().code();
            if (status < 200 || status >= 300) {
                // The error body is plain JSON even though Content-Type says text/event-stream.
                HttpReply reply = readErrorBody(client, response, held);
                throw new LlmFailureException(
                        GeminiErrors.fromResponse(status, reply::header, reply.body(), key, Instant.now()));
            }
            var assembler = new ReplyAssembler();
            var events = client.exchange().events(response, held);
            while (true) {
                Optional<ServerSentEvent> event = nextEvent(client, events, assembler);
                if (event.isEmpty()) {
                    break;
                }
                JsonNode root = parse(event.get().data().getBytes(StandardCharsets.UTF_8));
                failIfError(root);
                GeminiChunk chunk = GeminiChunk.read(root);
                List<StreamEvent.ToolCallDelta> calls = assembler.add(chunk);
                if (!chunk.text().isEmpty()) {
                    sink.accept(new StreamEvent.Delta(chunk.text()));
                }
                // Each call arrives whole in one event: one fragment per call, after the event's text.
                calls.forEach(sink::accept);
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("stream cancelled: the caller went away");
                }
            }
            if (!assembler.ended()) {
                // No [DONE] in Gemini's protocol: the end of the body after a finishReason is the end. A body
                // that ends before one was cut off, like a dropped connection.
                throw new LlmFailureException(new ProviderFailed(ProviderId.GEMINI, OptionalInt.empty(),
                        "Gemini's stream ended before a finishReason", true));
            }
            sink.accept(new StreamEvent.Completed(assembler.finish(context, Duration.ofNanos(System.nanoTime() - start))));
        }
    }

    /** The next event; the end of the stream is empty. A silence after the answer ended also counts as the end. */
    private static Optional<ServerSentEvent> nextEvent(GeminiHttp client, EventStreamReader events,
                                                       ReplyAssembler assembler) {
        try {
            return client.exchange().next(events);
        } catch (LlmFailureException failure) {
            // Only the reader runs in this try: whatever it throws is about the connection, never the sink.
            if (failure.failure() instanceof ProviderTimedOut && assembler.ended()) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    private HttpReply readErrorBody(GeminiHttp client, HttpClientResponse response, ResponseBudget.Reservation held) {
        try {
            return client.exchange().readWhole(response, held);
        } catch (RuntimeException thrown) {
            // The status is known even when its body could not be read.
            return new HttpReply(response.status().code(), Map.of(), new byte[0]);
        }
    }

    private GeminiHttp client(CallContext context) {
        return http.orElseThrow(() -> new LlmFailureException(
                ProviderUnavailable.forModel(context.model().id(), ProviderId.GEMINI, availability.reason())));
    }

    private static JsonNode parse(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw malformed("not a JSON object");
            }
            return root;
        } catch (IOException broken) {
            throw malformed("malformed JSON (" + broken.getClass().getSimpleName() + ")");
        }
    }

    private static LlmFailureException malformed(String what) {
        return new LlmFailureException(new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(200),
                "Gemini answered HTTP 200 with " + what));
    }

    /** An {@code error} envelope can arrive with HTTP 200 inside a stream. */
    private void failIfError(JsonNode root) {
        JsonNode error = root.path("error");
        if (error.isObject()) {
            throw new LlmFailureException(GeminiErrors.fromStreamError(error, key));
        }
    }

    @Override
    public String toString() {
        return "GeminiProvider[" + availability.reason() + ", " + http.map(GeminiHttp::toString).orElse("no client") + "]";
    }
}
