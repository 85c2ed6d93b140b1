package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WholeCallDeadlineTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static final class Late extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    @Test
    void theResultComesBackFromTheWorkerThread() {
        String name = WholeCallDeadline.call("test-complete", LONG, () -> Thread.currentThread().getName(), Late::new);
        assertEquals("test-complete", name);
    }

    @Test
    void aDeadlineThatPassesThrowsTheGivenFailureAndInterruptsTheWorker() throws InterruptedException {
        var interrupted = new CountDownLatch(1);
        assertThrows(Late.class, () -> WholeCallDeadline.call("test-complete", Duration.ofMillis(50), () -> {
            try {
                Thread.sleep(LONG);
            } catch (InterruptedException expected) {
                interrupted.countDown();
            }
            return "too late";
        }, Late::new));
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the worker was not interrupted");
    }

    @Test
    void anInterruptedCallerGetsACancellationKeepsItsFlagAndInterruptsTheWorker() throws InterruptedException {
        var started = new CountDownLatch(1);
        var interrupted = new CountDownLatch(1);
        var thrown = new AtomicReference<Throwable>();
        var flagKept = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                WholeCallDeadline.call("test-complete", LONG, () -> {
                    started.countDown();
                    try {
                        Thread.sleep(LONG);
                    } catch (InterruptedException expected) {
                        interrupted.countDown();
                    }
                    return "never used";
                }, Late::new);
            } catch (RuntimeException failure) {
                thrown.set(failure);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS), "the worker did not start");
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));
        assertInstanceOf(CancellationException.class, thrown.get());
        assertTrue(flagKept.get(), "the caller's interrupt flag was cleared");
        assertTrue(interrupted.await(10, TimeUnit.SECONDS), "the worker was not interrupted");
    }

    @Test
    void anUncheckedFailureOfTheWorkerPassesAsItIs() {
        var failure = new IllegalStateException("from the worker");
        assertSame(failure, assertThrows(IllegalStateException.class,
                () -> WholeCallDeadline.call("test-complete", LONG, () -> {
                    throw failure;
                }, Late::new)));
    }

    @Test
    void anErrorOfTheWorkerPassesAsItIs() {
        var error = new AssertionError("from the worker");
        assertSame(error, assertThrows(AssertionError.class,
                () -> WholeCallDeadline.call("test-complete", LONG, () -> {
                    throw error;
                }, Late::new)));
    }

    @Test
    void aCheckedFailureOfTheWorkerArrivesWrapped() {
        var io = new IOException("from the worker");
        assertSame(io, assertThrows(UncheckedIOException.class,
                () -> WholeCallDeadline.call("test-complete", LONG, () -> {
                    throw io;
                }, Late::new)).getCause());
        var other = new Exception("from the worker");
        assertInstanceOf(IllegalStateException.class, assertThrows(RuntimeException.class,
                () -> WholeCallDeadline.call("test-complete", LONG, () -> {
                    throw other;
                }, Late::new)));
    }
}
