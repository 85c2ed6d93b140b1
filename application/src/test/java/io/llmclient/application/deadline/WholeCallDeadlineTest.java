package io.llmclient.application.deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class WholeCallDeadlineTest {
    private static final Duration LONG = Duration.ofSeconds(30);

    private static final class Late extends RuntimeException {
        private static final long serialVersionUID = 1L;
    }

    private static WholeCallDeadline within(Duration deadline) {
        return new WholeCallDeadline(deadline, Late::new);
    }

    @Test
    void theExchangeRunsOnTheCallersThreadAndItsResultComesBack() {
        Thread caller = Thread.currentThread();
        assertSame(caller, within(LONG).call(Thread::currentThread));
    }

    @Test
    void aDeadlineThatPassesInterruptsTheExchangeThrowsTheGivenFailureAndLeavesNoInterruptBehind() {
        var interrupted = new AtomicBoolean();
        assertThrows(Late.class, () -> within(Duration.ofMillis(50)).call(() -> {
            try {
                Thread.sleep(LONG);
            } catch (InterruptedException expected) {
                interrupted.set(true);
                throw expected;
            }
            return "too late";
        }));
        assertTrue(interrupted.get(), "the exchange was not interrupted");
        assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt leaked to the caller");
    }

    @Test
    void anExchangeThatSwallowsInterruptsIsInterruptedAgainAndStillTimesOutWithoutAFlagLeftBehind() {
        var interrupts = new AtomicInteger();
        assertThrows(Late.class, () -> within(Duration.ofMillis(20)).call(() -> {
            // Like a client that catches one interrupt and carries on reading.
            while (interrupts.get() < 3) {
                try {
                    Thread.sleep(LONG);
                } catch (InterruptedException swallowed) {
                    interrupts.incrementAndGet();
                }
            }
            return "late but here";
        }));
        assertEquals(3, interrupts.get());
        assertFalse(Thread.currentThread().isInterrupted(), "the watchdog's interrupt leaked to the caller");
    }

    @Test
    void anInterruptedCallerGetsACancellationAndKeepsItsFlag() throws InterruptedException {
        var started = new CountDownLatch(1);
        var thrown = new AtomicReference<Throwable>();
        var flagKept = new AtomicBoolean();
        Thread caller = Thread.ofVirtual().start(() -> {
            try {
                within(LONG).call(() -> {
                    started.countDown();
                    Thread.sleep(LONG);
                    return "never used";
                });
            } catch (RuntimeException failure) {
                thrown.set(failure);
                flagKept.set(Thread.currentThread().isInterrupted());
            }
        });
        assertTrue(started.await(10, TimeUnit.SECONDS), "the exchange did not start");
        caller.interrupt();
        caller.join(Duration.ofSeconds(10));
        assertInstanceOf(CancellationException.class, thrown.get());
        assertTrue(flagKept.get(), "the caller's interrupt flag was cleared");
    }

    @Test
    void manyCallsAtOnceEachTimeOutOnTheirOwnWhileQuickOnesAreLeftAlone() throws InterruptedException {
        WholeCallDeadline deadline = within(Duration.ofMillis(100));
        var timedOut = new AtomicInteger();
        var answered = new AtomicInteger();
        var leaked = new AtomicInteger();
        List<Thread> callers = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            boolean slow = i % 2 == 0;
            callers.add(Thread.ofVirtual().start(() -> {
                try {
                    deadline.call(() -> {
                        Thread.sleep(slow ? LONG : Duration.ofMillis(1));
                        return "done";
                    });
                    answered.incrementAndGet();
                } catch (Late late) {
                    timedOut.incrementAndGet();
                }
                if (Thread.currentThread().isInterrupted()) {
                    leaked.incrementAndGet();
                }
            }));
        }
        for (Thread caller : callers) {
            caller.join(Duration.ofSeconds(20));
        }
        assertEquals(100, timedOut.get());
        assertEquals(100, answered.get());
        assertEquals(0, leaked.get());
    }

    @Test
    void theWatchdogStopsWhenNoCallIsInFlight() throws InterruptedException {
        WholeCallDeadline deadline = within(LONG);
        assertFalse(deadline.sweeping());
        deadline.call(() -> "quick");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (deadline.sweeping() && System.nanoTime() < until) {
            Thread.sleep(5);
        }
        assertFalse(deadline.sweeping(), "the watchdog kept running with nothing to watch");
        assertEquals("again", deadline.call(() -> "again"));
    }

    @Test
    void aDeadlineMustBePositive() {
        assertThrows(IllegalArgumentException.class, () -> within(Duration.ZERO));
        assertThrows(IllegalArgumentException.class, () -> within(Duration.ofMillis(-1)));
    }

    @Test
    void anUncheckedFailureOfTheExchangePassesAsItIs() {
        var failure = new IllegalStateException("from the exchange");
        assertSame(failure, assertThrows(IllegalStateException.class, () -> within(LONG).call(() -> {
            throw failure;
        })));
    }

    @Test
    void anErrorOfTheExchangePassesAsItIs() {
        var error = new AssertionError("from the exchange");
        assertSame(error, assertThrows(AssertionError.class, () -> within(LONG).call(() -> {
            throw error;
        })));
    }

    @Test
    void aCheckedFailureOfTheExchangeArrivesWrapped() {
        var io = new IOException("from the exchange");
        assertSame(io, assertThrows(UncheckedIOException.class, () -> within(LONG).call(() -> {
            throw io;
        })).getCause());
        var other = new Exception("from the exchange");
        assertInstanceOf(IllegalStateException.class, assertThrows(RuntimeException.class, () -> within(LONG).call(() -> {
            throw other;
        })));
    }
}
