package io.llmclient.bench;

import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.IntSupplier;

/**
 * Replays a whole recorded SSE body through a provider's stream assembler, the way the adapter's
 * {@code stream} loop drives it, minus the HTTP client: one loop for every provider's wire benchmark.
 */
public final class SseReplay {
    private SseReplay() {
    }

    /**
     * Hands each event the assembler makes to {@code sink} until it is done, then builds its
     * result; returns the assembler's event count.
     */
    public static int replay(byte[] sse, Consumer<StreamEvent> sink, Function<ServerSentEvent, List<StreamEvent>> accept,
                             BooleanSupplier done, Runnable result, IntSupplier events) {
        try {
            var reader = new EventStreamReader(new ByteArrayInputStream(sse));
            for (Optional<ServerSentEvent> next = reader.next(); next.isPresent(); next = reader.next()) {
                accept.apply(next.get()).forEach(sink);
                if (done.getAsBoolean()) {
                    result.run();
                    break;
                }
            }
            return events.getAsInt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
