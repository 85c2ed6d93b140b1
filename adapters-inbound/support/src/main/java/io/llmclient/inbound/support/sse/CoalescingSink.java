package io.llmclient.inbound.support.sse;

import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.stream.StreamEvent;
import java.util.Objects;

/**
 * A surface's stream sink writing to an {@link EventStream}: an event's frames wait in the body's
 * buffer while the provider has more at hand, and go out with one flush when it has not
 * (decision 38). Each surface says how it writes one event.
 */
public abstract class CoalescingSink implements StreamSink {
    private final EventStream out;

    protected CoalescingSink(EventStream out) {
        this.out = Objects.requireNonNull(out, "out");
    }

    @Override
    public final void accept(StreamEvent event) {
        accept(event, false);
    }

    @Override
    public final void accept(StreamEvent event, boolean moreAtHand) {
        out.unflushed(() -> write(event));
        if (!moreAtHand) {
            out.flush();
        }
    }

    @Override
    public final void flush() {
        out.flush();
    }

    /** Writes the frames of one event to the stream, unflushed. */
    protected abstract void write(StreamEvent event);
}
