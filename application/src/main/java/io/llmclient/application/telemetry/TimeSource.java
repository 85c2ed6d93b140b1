package io.llmclient.application.telemetry;

import java.time.Instant;

/** The clock port: wall time for records, a monotonic clock for latencies. */
public interface TimeSource {
    Instant now();

    /** Monotonic nanoseconds, only meaningful as a difference. */
    long nanoTime();

    /** The system clocks. */
    static TimeSource system() {
        return new TimeSource() {
            @Override
            public Instant now() {
                return Instant.now();
            }

            @Override
            public long nanoTime() {
                return System.nanoTime();
            }
        };
    }
}
