package io.llmclient.application.resilience;

import io.llmclient.application.telemetry.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A clock that moves only when told or when someone sleeps on it; it remembers every sleep. */
final class ManualClock implements TimeSource, Sleeper {
    private long nanos = 1_000_000_000L;
    private final List<Duration> sleeps = new ArrayList<>();

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
        return Instant.EPOCH.plusNanos(nanos);
    }

    @Override
    public synchronized long nanoTime() {
        return nanos;
    }
}
