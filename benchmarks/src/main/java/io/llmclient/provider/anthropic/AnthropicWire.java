package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/** The Anthropic adapter's stream parsing without its HTTP client, opened up for the benchmarks. */
public final class AnthropicWire {
    private final ObjectMapper json = WireJson.mapper();
    private final AnthropicErrorMapper errors = new AnthropicErrorMapper(json, Optional.empty(), Clock.systemUTC());

    /** Parses a whole SSE body and hands each event the assembler makes to {@code sink}; returns the event count. */
    public int stream(byte[] sse, Consumer<StreamEvent> sink) {
        try {
            var reader = new EventStreamReader(new ByteArrayInputStream(sse));
            var assembler = new StreamAssembler(json, errors);
            for (Optional<ServerSentEvent> next = reader.next(); next.isPresent(); next = reader.next()) {
                assembler.accept(next.get()).forEach(sink);
                if (assembler.done()) {
                    assembler.result();
                    break;
                }
            }
            return assembler.events();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
