package io.llmclient.bootstrap;

import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock for the service under test that moves only when told or when the service sleeps on
 * it; it remembers every sleep, so tests see the exact waits chosen without waiting them.
 */
final class ManualClock implements TimeSource, Sleeper {
    private long nanos = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

    /** Timing for {@link LlmClientServer#start}: this clock and sleeper, jitter always drawing {@code random}. */
    Timing timing(double random) {
        return new Timing(this, this, () -> random);
    }

    synchronized void advance(Duration duration) {
        nanos += duration.toNanos();
    }

    synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    @Override
    public synchronized Instant now() {
        return Instant.parse("2026-01-01T00:00:00Z").plusNanos(nanos);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }
}
