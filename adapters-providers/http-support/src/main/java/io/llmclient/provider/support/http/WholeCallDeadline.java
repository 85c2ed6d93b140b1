package io.llmclient.provider.support.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Bounds a whole blocking exchange (headers and body) by one deadline. A socket read timeout
 * only bounds each silence, so a body that trickles in would never time out; here the exchange
 * runs on its own virtual thread and the caller waits at most the deadline. When the time is up,
 * or the caller is interrupted, that thread is interrupted: a virtual thread's blocking socket
 * read is interruptible, so its connection is closed rather than left hanging.
 */
public final class WholeCallDeadline {
    private WholeCallDeadline() {
    }

    /**
     * The result of {@code exchange}, run on a new virtual thread named {@code threadName}.
     *
     * @param onTimeout what to throw when {@code deadline} passes first
     * @throws CancellationException when the calling thread is interrupted while it waits (its
     *                               interrupt flag stays set)
     * @throws RuntimeException      whatever unchecked exception or error {@code exchange} threw, as
     *                               it was; a checked one arrives wrapped in an unchecked exception
     */
    public static <T> T call(String threadName, Duration deadline, Callable<T> exchange,
                             Supplier<? extends RuntimeException> onTimeout) {
        FutureTask<T> task = new FutureTask<>(exchange);
        Thread.ofVirtual().name(threadName).start(task);
        try {
            return task.get(deadline.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException late) {
            task.cancel(true);
            throw onTimeout.get();
        } catch (InterruptedException interrupted) {
            task.cancel(true);
            Thread.currentThread().interrupt();
            throw new CancellationException("call cancelled by the caller");
        } catch (ExecutionException failed) {
            Throwable cause = failed.getCause();
            if (cause instanceof RuntimeException runtime) {
                throw runtime;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw cause instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(cause);
        }
    }
}
