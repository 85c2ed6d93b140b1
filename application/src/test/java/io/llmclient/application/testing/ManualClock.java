package io.llmclient.application.testing;

import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A clock that moves only when told or when someone sleeps on it. It remembers every sleep, so
 * tests see the exact waits chosen without waiting them. Wall time starts at 2026-01-01 (a
 * plausible date in audit lines and logs), the monotonic clock one second after its origin.
 */
public final class ManualClock implements TimeSource, Sleeper {
    private static final Instant WALL_START = Instant.parse("2026-01-01T00:00:00Z");

    private long nanos = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

    public synchronized void advance(Duration duration) {
        nanos += duration.toNanos();
    }

    /** Every sleep so far, in order. */
    public synchronized List<Duration> sleeps() {
        return List.copyOf(sleeps);
    }

    @Override
    public synchronized void sleep(Duration duration) {
        sleeps.add(duration);
        nanos += duration.toNanos();
    }

    @Override
    public synchronized Instant now() {
        return WALL_START.plusNanos(nanos);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }
}
