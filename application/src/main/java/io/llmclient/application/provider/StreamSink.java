package io.llmclient.application.provider;

import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.stream.StreamEvent;

/**
 * Receives a stream's events in order. It may throw when the caller has gone away; the
 * provider then stops reading and closes the upstream response.
 */
@FunctionalInterface
public interface StreamSink {
    void accept(StreamEvent event);

    /**
     * As {@link #accept(StreamEvent)}, with a hint: {@code moreAtHand} when the provider already
     * holds what comes next (the rest of this event, or a whole next event read from the network in
     * the same read), so it hands that on without waiting. The sink may then keep what it writes
     * for this event in its buffer and send it with the next, one write for a burst of events
     * instead of one per event (see docs/decisions.md, 'Coalesced stream writes'). A provider that
     * passes {@code true} calls {@link #flush()} before it waits for the network again; the end of
     * the stream ({@code Completed}, {@code Failed}, an exception) needs no flush of its own. The
     * default ignores the hint.
     */
    default void accept(StreamEvent event, boolean moreAtHand) {
        accept(event);
    }

    /** Sends what {@link #accept(StreamEvent, boolean)} kept back; the default has nothing to send. */
    default void flush() {
    }

    /**
     * The provider has accepted the stream: its answer was a success and its first event has
     * arrived, but no delta yet (OpenAI's role-only first chunk, Anthropic's
     * {@code message_start}). Called at most once, before the first delta, and only by
     * providers that can tell; the others start with their first delta.
     *
     * <p>Lets a consumer open its own response at once, so that its first byte follows the
     * provider's first byte rather than the first token (see docs/decisions.md, 'A {@code /v1}
     * stream opens when the provider accepts it'). A consumer that does so
     * returns {@code true}: the stream is then committed as after a first delta, so it is no
     * longer retried or sent to another model, and a later failure arrives as
     * {@link StreamEvent.Failed}. The default does nothing and returns {@code false}.
     *
     * @return whether the opening was passed on to this sink's own caller
     */
    default boolean opened() {
        return false;
    }

    /**
     * The usage the provider has reported so far, when it reports usage before the end (Anthropic's
     * {@code message_start}, Gemini's every chunk): a call that is cancelled or fails mid-stream is
     * charged for it (contract section 10). Called whenever it changes; the default ignores it.
     */
    default void usage(Usage reportedSoFar) {
    }
}
