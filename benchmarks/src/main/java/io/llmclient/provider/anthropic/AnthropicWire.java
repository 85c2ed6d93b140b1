package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.bench.SseReplay;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Consumer;

/** The Anthropic adapter's stream parsing without its HTTP client, opened up for the benchmarks. */
public final class AnthropicWire {
    private final ObjectMapper json = WireJson.mapper();
    private final AnthropicErrorMapper errors = new AnthropicErrorMapper(Optional.empty(), Clock.systemUTC());

    /** Parses a whole SSE body and hands each event the assembler makes to {@code sink}; returns the event count. */
    public int stream(byte[] sse, Consumer<StreamEvent> sink) {
        var assembler = new StreamAssembler(new AnthropicStreamDecoder(json), errors);
        return SseReplay.replay(sse, sink, assembler::accept, assembler::done, assembler::result, assembler::events);
    }
}
