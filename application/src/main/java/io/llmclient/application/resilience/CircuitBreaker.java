package io.llmclient.application.resilience;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.Objects;

/**
 * One provider's circuit: {@code threshold} consecutive failed calls (each after its retries)
 * open it; while open, calls are refused without reaching the provider; after {@code openFor}
 * one probe call is let through, whose success closes the circuit and whose failure opens it
 * for another {@code openFor}. Thread-safe; time comes from the clock port.
 *
 * <p>What counts: a call that ended in a timeout or a transient provider failure is a failure;
 * a call the provider answered, even with a rate limit or a refusal of the request (400, 401,
 * 404), shows the provider is up and counts as a success; a call that never reached the provider
 * (a full queue, a bug) or was refused by the service's own limits (an answer that did not fit in
 * the shared response buffer) counts as neither, and gives a probe slot back: one caller's large
 * answers must not open the circuit for everyone.
 *
 * <p>With several replicas ({@link ProviderHealth}) the breaker follows the shared circuit whenever
 * one is known: an opening, a re-opening and a closing made elsewhere are adopted here, and a
 * probe is sent only when the replicas grant it to this one. Its own openings and closings are
 * told to the others. Consecutive failures are counted per replica.
 */
final class CircuitBreaker {
    private enum State { CLOSED, OPEN, HALF_OPEN }

    /** The right to make one call; {@code probe} is the single call of a half-open circuit. */
    record Permit(boolean probe) {
    }

    private final int threshold;
    private final Duration openFor;
    private final TimeSource time;
    private final ProviderId provider;
    private final ProviderHealth health;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAtNanos;
    private boolean probeInFlight;
    // Another replica holds the probe, as the shared circuit last said.
    private boolean probeElsewhere;

    CircuitBreaker(int threshold, Duration openFor, TimeSource time) {
        this(threshold, openFor, time, new ProviderId("local"), ProviderHealth.inProcess());
    }

    CircuitBreaker(int threshold, Duration openFor, TimeSource time, ProviderId provider, ProviderHealth health) {
        this.threshold = threshold;
        this.openFor = Objects.requireNonNull(openFor, "openFor");
        this.time = Objects.requireNonNull(time, "time");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.health = Objects.requireNonNull(health, "health");
    }

    /** A permit to call, or null when the circuit refuses the call now. */
    Permit tryAcquire() {
        Permit permit = reserve();
        if (permit == null || !permit.probe()) {
            return permit;
        }
        // Outside the monitor: the claim may ask the store, and others must not wait for it meanwhile
        // (they are refused by the probe reserved here, as with one replica).
        return switch (health.claimProbe(provider)) {
            case GRANTED -> permit;
            case REFUSED -> {
                synchronized (this) {
                    probeInFlight = false;
                    probeElsewhere = true;
                }
                yield null;
            }
            case CLOSED -> {
                synchronized (this) {
                    probeInFlight = false;
                    closeHere();
                }
                yield new Permit(false);
            }
        };
    }

    private synchronized Permit reserve() {
        adopt();
        return switch (state) {
            case CLOSED -> new Permit(false);
            case OPEN -> {
                if (remainingOpen().isPositive() || probeElsewhere) {
                    yield null;
                }
                state = State.HALF_OPEN;
                probeInFlight = true;
                yield new Permit(true);
            }
            case HALF_OPEN -> {
                if (probeInFlight || probeElsewhere) {
                    yield null;
                }
                probeInFlight = true;
                yield new Permit(true);
            }
        };
    }

    /** The provider answered: the circuit closes (for all, when it was not closed) and the failure run starts again. */
    synchronized void succeeded(Permit permit) {
        adopt();
        boolean wasClosed = state == State.CLOSED;
        closeHere();
        if (permit.probe()) {
            probeInFlight = false;
        }
        if (!wasClosed || permit.probe()) {
            health.closed(provider);
        }
    }

    /** The call failed after its retries. */
    synchronized void failed(Permit permit) {
        adopt();
        if (permit.probe()) {
            probeInFlight = false;
            open();
            health.opened(provider, openFor, consecutiveFailures, true);
            return;
        }
        // A call that started before the circuit opened adds nothing once it is open.
        if (state == State.CLOSED && ++consecutiveFailures >= threshold) {
            open();
            health.opened(provider, openFor, consecutiveFailures, false);
        }
    }

    /** The call ended without a verdict on the provider: a probe slot is given back. */
    synchronized void released(Permit permit) {
        if (permit.probe()) {
            probeInFlight = false;
            health.probeReleased(provider);
        }
    }

    /** Closed: up. Open: down until its time is over, then up so that selection sends the probe. */
    synchronized Availability availability() {
        adopt();
        return switch (state) {
            case CLOSED -> Availability.up();
            case OPEN -> remainingOpen().isPositive()
                    ? Availability.down("circuit open after " + consecutiveFailures + " consecutive failures; "
                            + "next probe in " + ceilSeconds(remainingOpen()) + " s")
                    : probeElsewhere ? Availability.down("circuit half-open: a probe request is in flight")
                    : new Availability(true, "circuit half-open: the next request probes the provider");
            case HALF_OPEN -> probeInFlight || probeElsewhere
                    ? Availability.down("circuit half-open: a probe request is in flight")
                    : new Availability(true, "circuit half-open: the next request probes the provider");
        };
    }

    // Follows the shared circuit when one is known. This replica's own probe, while out, decides
    // for it here: its verdict is what the others will adopt.
    private void adopt() {
        switch (health.circuit(provider)) {
            // Nobody's probe can be known: this replica decides alone, from the state it has followed.
            case SharedCircuit.Unknown _ -> probeElsewhere = false;
            case SharedCircuit.Closed _ -> {
                if (state != State.CLOSED) {
                    closeHere();
                }
                probeElsewhere = false;
            }
            case SharedCircuit.Open open -> {
                if (!probeInFlight) {
                    state = State.OPEN;
                    openedAtNanos = open.untilNanos() - openFor.toNanos();
                    if (open.failures() > 0) {
                        consecutiveFailures = open.failures();
                    }
                }
                probeElsewhere = open.probeOut() && !probeInFlight;
            }
        }
    }

    private void closeHere() {
        state = State.CLOSED;
        consecutiveFailures = 0;
        probeElsewhere = false;
    }

    private void open() {
        state = State.OPEN;
        openedAtNanos = time.nanoTime();
        consecutiveFailures = Math.max(consecutiveFailures, threshold);
    }

    private Duration remainingOpen() {
        return openFor.minusNanos(time.nanoTime() - openedAtNanos);
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }
}
