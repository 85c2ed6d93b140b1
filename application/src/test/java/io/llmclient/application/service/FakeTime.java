package io.llmclient.application.service;

import io.llmclient.application.telemetry.TimeSource;
import java.time.Duration;
import java.time.Instant;

/** A clock that moves only when told, so latencies in assertions are exact. */
final class FakeTime implements TimeSource {
    static final Instant START = Instant.parse("2025-06-01T12:00:00Z");

    private Instant now = START;
    private long nanos = 5_000_000_000L;

    void advance(Duration duration) {
        now = now.plus(duration);
        nanos += duration.toNanos();
    }

    @Override
    public Instant now() {
        return now;
    }

    @Override
    public long nanoTime() {
        return nanos;
    }
}
