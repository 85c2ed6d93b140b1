package io.llmclient.bootstrap;

import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.TimeSource;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.DoubleSupplier;

/**
 * The clock, the way of waiting and the randomness the service runs with. The real ones in
 * production; tests hand in their own so that retry waits and jitter are exact and instant.
 *
 * @param random values uniform in {@code [0, 1)}, the jitter of retry back-off
 */
public record Timing(TimeSource time, Sleeper sleeper, DoubleSupplier random) {
    public Timing {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(sleeper, "sleeper");
        Objects.requireNonNull(random, "random");
    }

    /** The system clock, real sleeps, and a thread-local random source. */
    public static Timing system() {
        return new Timing(TimeSource.system(), Sleeper.system(), () -> ThreadLocalRandom.current().nextDouble());
    }
}
