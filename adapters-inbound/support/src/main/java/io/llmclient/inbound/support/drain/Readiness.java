package io.llmclient.inbound.support.drain;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Whether the service accepts work: from the moment it starts draining (SIGTERM) it does not, so
 * that {@code GET /ready} turns the balancer away at once while work in flight finishes (contract
 * section 14).
 */
public final class Readiness {
    private final AtomicBoolean draining = new AtomicBoolean();

    /** Starts draining; true the first time. */
    public boolean drain() {
        return draining.compareAndSet(false, true);
    }

    /** True from the start of the drain on. */
    public boolean draining() {
        return draining.get();
    }
}
