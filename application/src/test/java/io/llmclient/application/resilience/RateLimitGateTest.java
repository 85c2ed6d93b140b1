package io.llmclient.application.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.testing.ManualClock;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RateLimitGateTest {
    private static final ProviderId P = ProviderId.OPENAI;
    private final ManualClock clock = new ManualClock();

    @Test
    void anOpenGateLetsTheCallerThroughWithoutWaiting() {
        new RateLimitGate(P, 10, clock, clock).awaitTurn();
        assertEquals(List.of(), clock.sleeps());
    }

    @Test
    void aHeldGateMakesTheCallerWaitExactlyTheRestOfTheHold() {
        var gate = new RateLimitGate(P, 10, clock, clock);
        gate.holdFor(Duration.ofSeconds(2));
        clock.advance(Duration.ofMillis(500));
        gate.awaitTurn();
        assertEquals(List.of(Duration.ofMillis(1500)), clock.sleeps());
    }

    @Test
    void aShorterHoldDoesNotCutALongerOneShort() {
        var gate = new RateLimitGate(P, 10, clock, clock);
        gate.holdFor(Duration.ofSeconds(5));
        gate.holdFor(Duration.ofSeconds(1));
        gate.awaitTurn();
        assertEquals(List.of(Duration.ofSeconds(5)), clock.sleeps());
    }

    @Test
    void aFullQueueRefusesTheNextCallerAtOnce() {
        var gate = new RateLimitGate(P, 0, clock, clock);
        gate.holdFor(Duration.ofSeconds(1));
        var refused = assertThrows(LlmFailureException.class, gate::awaitTurn);
        assertEquals(new Overloaded(P, 0), refused.failure());
    }

    @Test
    void aHundredCallersWaitAndTheHundredAndFirstIsRefusedWithOverloaded() throws Exception {
        var release = new CountDownLatch(1);
        var asleep = new CountDownLatch(100);
        TimeSource frozen = clock;
        Sleeper blocking = duration -> {
            asleep.countDown();
            release.await();
            clock.advance(duration);
        };
        var gate = new RateLimitGate(P, 100, frozen, blocking);
        gate.holdFor(Duration.ofSeconds(3));
        var waiters = new ArrayList<Thread>();
        var passed = new CountDownLatch(100);
        for (int i = 0; i < 100; i++) {
            waiters.add(Thread.ofVirtual().start(() -> {
                gate.awaitTurn();
                passed.countDown();
            }));
        }
        assertTrue(asleep.await(10, TimeUnit.SECONDS));
        assertEquals(100, gate.waiting());
        var refused = assertThrows(LlmFailureException.class, gate::awaitTurn);
        assertEquals(new Overloaded(P, 100), refused.failure());
        release.countDown();
        assertTrue(passed.await(10, TimeUnit.SECONDS));
        for (Thread waiter : waiters) {
            waiter.join();
        }
        assertEquals(0, gate.waiting());
    }

    @Test
    void aWaiterWhoseThreadIsInterruptedLeavesTheQueueAsCancelled() {
        Sleeper interrupted = duration -> {
            throw new InterruptedException();
        };
        var gate = new RateLimitGate(P, 5, clock, interrupted);
        gate.holdFor(Duration.ofSeconds(4));
        var thrown = assertThrows(CancellationException.class, gate::awaitTurn);
        assertInstanceOf(InterruptedException.class, thrown.getCause());
        assertTrue(Thread.interrupted(), "the interrupt is kept for the caller");
        assertEquals(0, gate.waiting());
    }
}
