package io.llmclient.application.resilience;

/**
 * A provider's circuit as the replicas share it. A closed circuit is forgotten by the store, so
 * {@link Closed} is also what a provider no replica ever tripped looks like.
 */
public sealed interface SharedCircuit permits SharedCircuit.Unknown, SharedCircuit.Closed, SharedCircuit.Open {

    /** Nothing known (no read of the store yet, or nothing is shared): this replica's own breaker decides. */
    record Unknown() implements SharedCircuit {
        /** The one value. */
        public static final Unknown INSTANCE = new Unknown();
    }

    /** Closed on every replica. */
    record Closed() implements SharedCircuit {
        /** The one value. */
        public static final Closed INSTANCE = new Closed();
    }

    /**
     * Open on every replica until {@code untilNanos} (this replica's monotonic clock), then half-open:
     * the next request probes the provider, unless a probe is out already.
     *
     * @param failures the consecutive failures that opened it, for the health reason
     * @param probeOut true while some replica holds the single probe
     */
    record Open(long untilNanos, int failures, boolean probeOut) implements SharedCircuit {
        /** The same circuit with its probe out, or not. */
        public Open withProbe(boolean out) {
            return new Open(untilNanos, failures, out);
        }
    }
}
