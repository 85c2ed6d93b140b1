package io.llmclient.provider.gemini;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The Gemini adapter's stream parsing without its HTTP client, opened up for the benchmarks, in
 * the order the provider's skeleton runs it: read the event, decode it (its JSON, its chunk),
 * hand on what it adds; at the end of the body, the answer.
 */
public final class GeminiWire {
    private final GeminiErrorMapper errors = new GeminiErrorMapper(Optional.empty(), Clock.systemUTC());

    /** Parses a whole SSE body and hands each event to {@code sink}; returns the SSE event count. */
    public int stream(byte[] sse, CallContext context, Consumer<StreamEvent> sink) {
        try {
            var reader = new EventStreamReader(new ByteArrayInputStream(sse));
            var assembler = new StreamAssembler(new GeminiStreamDecoder(), errors);
            for (Optional<ServerSentEvent> next = reader.next(); next.isPresent(); next = reader.next()) {
                assembler.accept(next.get()).forEach(sink);
            }
            sink.accept(new StreamEvent.Completed(assembler.result().response(ProviderId.GEMINI, context,
                    Duration.ZERO)));
            return assembler.events();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
