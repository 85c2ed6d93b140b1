package io.llmclient.inbound.support.admission;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Bounds the requests in flight on every surface ({@code LLM_MAX_CONCURRENT_REQUESTS}). One
 * more is refused at once, without queueing: HTTP 503 with {@code Retry-After: 1}, in the error
 * shape of the path's surface ({@link SurfaceRefusals}). A request holds its slot until its answer is written,
 * so a long stream counts for as long as it runs, and takes it only once its body has been read
 * ({@code RequestBodyFilter} comes first). {@code /health}, {@code /ready} and {@code /metrics} are
 * not counted: an operator must still see a service that is full. Why not Helidon's own
 * {@code maxConcurrentRequests}: see docs/decisions.md, 'The in-flight limit: our filter, not
 * Helidon's maxConcurrentRequests'.
 */
public final class InFlightLimitFilter implements Filter {
    private static final Set<String> UNCOUNTED_PATHS = Set.of("/health", "/ready", "/metrics");

    private final int maxInFlight;
    private final Semaphore slots;
    private final SurfaceRefusals refusals;
    private final Refusal refusal;

    /**
     * @param maxInFlight requests served at once; must be > 0
     * @param refusals    sends the 503 in the shape of the path's surface
     */
    public InFlightLimitFilter(int maxInFlight, SurfaceRefusals refusals) {
        if (maxInFlight <= 0) {
            throw new IllegalArgumentException("maxInFlight must be > 0");
        }
        this.maxInFlight = maxInFlight;
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        this.refusal = new Refusal.InFlightLimit(maxInFlight);
        this.slots = new Semaphore(maxInFlight);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (UNCOUNTED_PATHS.contains(path)) {
            chain.proceed();
            return;
        }
        if (!slots.tryAcquire()) {
            refuse(path, req, res);
            return;
        }
        try {
            chain.proceed();
        } finally {
            slots.release();
        }
    }

    /**
     * Waits until no request is in flight, or {@code patience} has passed.
     *
     * @return true when none is in flight
     */
    public boolean awaitIdle(java.time.Duration patience) throws InterruptedException {
        if (slots.tryAcquire(maxInFlight, patience.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            slots.release(maxInFlight);
            return true;
        }
        return false;
    }

    /** Requests in flight right now. */
    public int inFlight() {
        return maxInFlight - slots.availablePermits();
    }

    /** Slots free right now; for tests and metrics. */
    public int available() {
        return slots.availablePermits();
    }

    private void refuse(String path, RoutingRequest req, RoutingResponse res) {
        String traceId = A2aHeaders.traceId(req.headers());
        refusals.send(path, res, traceId, refusal);
    }
}
