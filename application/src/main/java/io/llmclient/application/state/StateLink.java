package io.llmclient.application.state;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Whether the shared state answers, as this replica sees it. Every call to the store goes through
 * {@link #call}: it is timed ({@code llm_state_duration_seconds}) and a failure is counted
 * ({@code llm_state_errors_total{operation}}) and cuts the link, unless only that call failed
 * ({@link StateUnavailableException#thisCallOnly}). While cut, calls fail at once
 * instead of each waiting for the store's timeout, and one background probe pings the store every
 * {@code probeEvery}; when it answers, the recovery steps run (the spend charged meanwhile is
 * added to it) and only once they succeed is the link up again. So a dead Redis costs one timeout,
 * not one per request.
 */
public final class StateLink implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(StateLink.class.getName());
    private final StateStore store;
    private final StateFailureMode mode;
    private final TimeSource time;
    private final MetricsPort metrics;
    private final Sleeper sleeper;
    private final Duration probeEvery;
    private final List<Runnable> recoveries = new CopyOnWriteArrayList<>();
    private volatile boolean up = true;
    private volatile String lastFailure = "";
    private volatile boolean closed;
    private Thread probe;

    public StateLink(StateStore store, StateFailureMode mode, TimeSource time, MetricsPort metrics, Sleeper sleeper,
                     Duration probeEvery) {
        this.store = Objects.requireNonNull(store, "store");
        this.mode = Objects.requireNonNull(mode, "mode");
        this.time = Objects.requireNonNull(time, "time");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (!probeEvery.isPositive()) {
            throw new IllegalArgumentException("probeEvery must be positive");
        }
        this.probeEvery = probeEvery;
    }

    /** What a replica does while the link is down. */
    public StateFailureMode mode() {
        return mode;
    }

    /** True while the store answered the last call. */
    public boolean up() {
        return up;
    }

    /** Runs before the link is up again after a failure; a step that throws keeps it down. */
    public void onRecovery(Runnable step) {
        recoveries.add(Objects.requireNonNull(step, "step"));
    }

    /**
     * Runs one call to the store, named {@code operation} in the metrics.
     *
     * @throws StateUnavailableException at once while the link is down, or when this call fails
     *                                   (which cuts the link)
     */
    public <T> T call(String operation, Supplier<T> work) {
        if (!up) {
            throw new StateUnavailableException("the shared state is unavailable: " + lastFailure);
        }
        try {
            return attempt(operation, work);
        } catch (StateUnavailableException e) {
            // A call refused for its own keys (the store answered) fails alone: one caller's bad
            // key must not send every caller of this replica to the failure mode.
            if (!e.thisCallOnly()) {
                cut(e);
            }
            throw e;
        }
    }

    /** As {@link #call}, for a call without an answer. */
    public void run(String operation, Runnable work) {
        call(operation, () -> {
            work.run();
            return null;
        });
    }

    /** Times and counts one call whatever the link's state, without cutting it (recovery steps use it). */
    public <T> T attempt(String operation, Supplier<T> work) {
        long started = time.nanoTime();
        try {
            T result = work.get();
            metrics.stateCall(operation, Duration.ofNanos(time.nanoTime() - started), false);
            return result;
        } catch (StateUnavailableException e) {
            metrics.stateCall(operation, Duration.ofNanos(time.nanoTime() - started), true);
            throw e;
        }
    }

    /** The {@code state} check of {@code /health}. */
    public Availability availability() {
        if (up) {
            return Availability.up();
        }
        return Availability.down("the shared state does not answer (" + lastFailure + "); "
                + (mode == StateFailureMode.OPEN ? "failing open: limits are counted by this replica alone"
                        : "failing closed: callers with limits or a budget are refused"));
    }

    /** Stops the probe. */
    @Override
    public void close() {
        closed = true;
        Thread running;
        synchronized (this) {
            running = probe;
        }
        if (running != null) {
            running.interrupt();
        }
    }

    private synchronized void cut(StateUnavailableException failure) {
        lastFailure = failure.getMessage();
        if (!up || closed) {
            return;
        }
        up = false;
        metrics.stateFallback(mode == StateFailureMode.OPEN);
        // The failure's message names what happened and never holds the password (the store's contract).
        LOG.log(System.Logger.Level.WARNING, "the shared state does not answer, "
                + (mode == StateFailureMode.OPEN ? "failing open" : "failing closed") + ": " + lastFailure);
        probe = Thread.ofVirtual().name("state-probe").start(this::probeUntilUp);
    }

    private void probeUntilUp() {
        while (!closed) {
            try {
                sleeper.sleep(probeEvery);
            } catch (InterruptedException e) {
                return;
            }
            try {
                attempt("ping", () -> {
                    store.ping();
                    return null;
                });
                recoveries.forEach(Runnable::run);
            } catch (StateUnavailableException e) {
                lastFailure = e.getMessage();
                continue;
            }
            synchronized (this) {
                up = true;
                probe = null;
                metrics.stateFallback(false);
            }
            LOG.log(System.Logger.Level.INFO, "the shared state answers again");
            // What was charged while the recovery ran is added now rather than at the next outage.
            try {
                recoveries.forEach(Runnable::run);
            } catch (StateUnavailableException e) {
                cut(e);
            }
            return;
        }
    }
}
