package io.llmclient.application.resilience;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.telemetry.TimeSource;
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
 */
final class CircuitBreaker {
    private enum State { CLOSED, OPEN, HALF_OPEN }

    /** The right to make one call; {@code probe} is the single call of a half-open circuit. */
    record Permit(boolean probe) {
    }

    private final int threshold;
    private final Duration openFor;
    private final TimeSource time;
    private State state = State.CLOSED;
    private int consecutiveFailures;
    private long openedAtNanos;
    private boolean probeInFlight;

    CircuitBreaker(int threshold, Duration openFor, TimeSource time) {
        this.threshold = threshold;
        this.openFor = Objects.requireNonNull(openFor, "openFor");
        this.time = Objects.requireNonNull(time, "time");
    }

    /** A permit to call, or null when the circuit refuses the call now. */
    synchronized Permit tryAcquire() {
        return switch (state) {
            case CLOSED -> new Permit(false);
            case OPEN -> {
                if (remainingOpen().isPositive()) {
                    yield null;
                }
                state = State.HALF_OPEN;
                probeInFlight = true;
                yield new Permit(true);
            }
            case HALF_OPEN -> {
                if (probeInFlight) {
                    yield null;
                }
                probeInFlight = true;
                yield new Permit(true);
            }
        };
    }

    /** The provider answered: the circuit closes and the failure run starts again. */
    synchronized void succeeded(Permit permit) {
        state = State.CLOSED;
        consecutiveFailures = 0;
        if (permit.probe()) {
            probeInFlight = false;
        }
    }

    /** The call failed after its retries. */
    synchronized void failed(Permit permit) {
        if (permit.probe()) {
            probeInFlight = false;
            open();
            return;
        }
        // A call that started before the circuit opened adds nothing once it is open.
        if (state == State.CLOSED && ++consecutiveFailures >= threshold) {
            open();
        }
    }

    /** The call ended without a verdict on the provider: a probe slot is given back. */
    synchronized void released(Permit permit) {
        if (permit.probe()) {
            probeInFlight = false;
        }
    }

    /** Closed: up. Open: down until its time is over, then up so that selection sends the probe. */
    synchronized Availability availability() {
        return switch (state) {
            case CLOSED -> Availability.up();
            case OPEN -> remainingOpen().isPositive()
                    ? Availability.down("circuit open after " + consecutiveFailures + " consecutive failures; "
                            + "next probe in " + ceilSeconds(remainingOpen()) + " s")
                    : new Availability(true, "circuit half-open: the next request probes the provider");
            case HALF_OPEN -> probeInFlight
                    ? Availability.down("circuit half-open: a probe request is in flight")
                    : new Availability(true, "circuit half-open: the next request probes the provider");
        };
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
