package io.llmclient.application.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.BooleanSupplier;

/** Waits for what another thread does: polls a condition until it holds, failing after 10 s. */
public final class Await {
    private static final long LIMIT_NANOS = 10_000_000_000L;

    private Await() {
    }

    /** Returns once {@code condition} holds; fails naming {@code what} when it does not within 10 s. */
    public static void until(BooleanSupplier condition, String what) {
        long deadline = System.nanoTime() + LIMIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting: " + what);
            try {
                Thread.sleep(2);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting: " + what, e);
            }
        }
    }
}
