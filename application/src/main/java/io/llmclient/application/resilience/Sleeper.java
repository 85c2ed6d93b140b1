package io.llmclient.application.resilience;

import java.time.Duration;

/**
 * Waits. A port so that retry and queue tests run in milliseconds and see the exact delays
 * chosen; production sleeps the current (virtual) thread, which an interrupt wakes.
 */
@FunctionalInterface
public interface Sleeper {

    /** Blocks for {@code duration}; throws when the thread is interrupted (the caller went away). */
    void sleep(Duration duration) throws InterruptedException;

    /** {@link Thread#sleep(Duration)}. */
    static Sleeper system() {
        return Thread::sleep;
    }
}
