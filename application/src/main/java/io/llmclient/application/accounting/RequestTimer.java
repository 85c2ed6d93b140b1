package io.llmclient.application.accounting;

import io.llmclient.application.telemetry.TimeSource;
import java.time.Duration;
import java.util.Objects;

/**
 * One request's time in the gateway: when it arrived and how long it has waited on providers
 * since. The difference is the gateway's overhead, the one figure behind both the
 * {@code X-Gateway-Overhead-Ms} header and the {@code llm_gateway_overhead} metric; inbound
 * adapters only read it. A stream's provider wait stops counting once the stream is committed
 * (its first delta, or an opening its consumer passed on), so that, read when the stream's headers
 * go out, the overhead is the delay the gateway added before the first byte. Waits in the
 * gateway's own rate-limit queue and retry back-off count as overhead.
 *
 * <p>A request runs on one (virtual) thread, so the counts are confined to it; the volatile
 * fields only make a read from another thread (a test, a log line) see a recent value.
 */
public final class RequestTimer {
    private final TimeSource time;
    private final long arrivedNanos;
    private volatile long providerNanos;
    private volatile boolean frozen;

    /** A request that arrived at {@code arrivedNanos} on {@code time}'s monotonic clock. */
    public RequestTimer(TimeSource time, long arrivedNanos) {
        this.time = Objects.requireNonNull(time, "time");
        this.arrivedNanos = arrivedNanos;
    }

    /** When the request arrived, on the monotonic clock. */
    public long arrivedNanos() {
        return arrivedNanos;
    }

    /** The time since the request arrived: a latency as its caller sees it. */
    public Duration sinceArrival() {
        return Duration.ofNanos(time.nanoTime() - arrivedNanos);
    }

    /** What the gateway itself has added so far: the time since arrival minus the provider waits. */
    public Duration overhead() {
        long total = time.nanoTime() - arrivedNanos;
        return Duration.ofNanos(Math.max(0, total - providerNanos));
    }

    /**
     * Counts the provider waits of {@code call}, a call made while answering this request but
     * timed on its own (a JSON-RPC method that prepares its request when it runs).
     */
    public void include(RequestTimer call) {
        providerWaited(call.providerNanos);
    }

    // Ignored once frozen: a stream's overhead is measured up to its first byte out.
    void providerWaited(long elapsedNanos) {
        if (!frozen && elapsedNanos > 0) {
            providerNanos += elapsedNanos;
        }
    }

    void freeze() {
        frozen = true;
    }

    long nanoTime() {
        return time.nanoTime();
    }
}
