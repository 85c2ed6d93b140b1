package io.llmclient.application.service;

/**
 * How long one request has spent waiting on providers so far, so that the time the gateway
 * itself adds (its overhead: total time in the service minus this) can be reported per
 * request. A request runs on one (virtual) thread, so the count is confined to it; the
 * volatile field only makes a read from another thread (a test, a log line) see a recent value.
 */
public final class ProviderTime {
    private volatile long nanos;
    private volatile boolean frozen;

    /** Adds one provider wait of {@code elapsedNanos}; ignored once {@link #freeze() frozen}. */
    void add(long elapsedNanos) {
        if (!frozen && elapsedNanos > 0) {
            nanos += elapsedNanos;
        }
    }

    // A stream's overhead is measured up to its first delta: later waits no longer count.
    void freeze() {
        frozen = true;
    }

    boolean frozen() {
        return frozen;
    }

    /** The nanoseconds spent waiting on providers so far. */
    public long nanos() {
        return nanos;
    }
}
