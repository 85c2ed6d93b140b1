package io.llmclient.application.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.SharedProviderHealth;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.testing.ManualClock;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailureException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The local view of shared provider health, on a manual clock, with two "replicas" (two views,
 * each with its own state link) over one in-memory store. The poll is run by hand.
 */
class SharedProviderHealthTest {
    private static final ProviderId OPENAI = ProviderId.OPENAI;
    private static final Duration OPEN_FOR = Duration.ofSeconds(30);

    private final ManualClock clock = new ManualClock();
    private final MemoryHealthStore store = new MemoryHealthStore(clock);
    private final List<StateLink> links = new ArrayList<>();
    private final Replica a = replica(Runnable::run);
    private final Replica b = replica(Runnable::run);

    /** One replica's view, gate and breaker of OpenAI. */
    private record Replica(SharedProviderHealth health, RateLimitGate gate, CircuitBreaker breaker, StateLink link) {
        void fail(int times) {
            for (int i = 0; i < times; i++) {
                breaker.failed(breaker.tryAcquire());
            }
        }
    }

    private Replica replica(Executor writer) {
        // A real sleeper for the link's probe, once an hour: a cut link stays cut during a test.
        var link = new StateLink(() -> store.read(List.of()), StateFailureMode.OPEN, clock, MetricsPort.none(),
                Sleeper.system(), Duration.ofHours(1));
        links.add(link);
        var health = new SharedProviderHealth(store, link, clock, clock, List.of(OPENAI), Duration.ofMillis(250),
                Duration.ofMinutes(5), writer);
        return new Replica(health, new RateLimitGate(OPENAI, 10, clock, clock, health, Duration.ofSeconds(32)),
                new CircuitBreaker(2, OPEN_FOR, clock, OPENAI, health), link);
    }

    @AfterEach
    void closeLinks() {
        links.forEach(StateLink::close);
    }

    @Test
    void aPauseOnOneReplicaMakesTheOtherWaitFromItsNextPoll() {
        a.gate().holdFor(Duration.ofSeconds(2));
        b.gate().awaitTurn();
        assertEquals(List.of(), clock.sleeps(), "not seen before the poll");

        b.health().poll();
        b.gate().awaitTurn();
        assertEquals(List.of(Duration.ofSeconds(2)), clock.sleeps());
    }

    @Test
    void aSharedPauseLongerThanTheLongestWaitIsARateLimitAtOnce() {
        var impatient = new RateLimitGate(OPENAI, 10, clock, clock, b.health(), Duration.ofSeconds(1));
        a.gate().holdFor(Duration.ofSeconds(5));
        b.health().poll();

        var refused = assertThrows(LlmFailureException.class, impatient::awaitTurn);
        assertEquals(new RateLimited(OPENAI, Optional.of(Duration.ofSeconds(5))), refused.failure());
        assertEquals(List.of(), clock.sleeps());
    }

    @Test
    void aCircuitOpenedOnOneReplicaIsOpenOnTheOtherFromItsNextPoll() {
        a.fail(2);
        assertNotNull(b.breaker().tryAcquire(), "not seen before the poll");

        b.health().poll();
        assertNull(b.breaker().tryAcquire());
        assertEquals(Availability.down("circuit open after 2 consecutive failures; next probe in 30 s"),
                b.breaker().availability());
    }

    @Test
    void afterTheOpenTimeOneReplicaProbesAndTheOtherIsRefused() {
        a.fail(2);
        b.health().poll();
        clock.advance(OPEN_FOR);

        CircuitBreaker.Permit probe = a.breaker().tryAcquire();
        assertTrue(probe.probe());
        assertNull(b.breaker().tryAcquire());
        assertEquals(Availability.down("circuit half-open: a probe request is in flight"), b.breaker().availability());
        b.health().poll();
        assertNull(b.breaker().tryAcquire());
    }

    @Test
    void aSuccessfulProbeClosesTheCircuitOnEveryReplica() {
        a.fail(2);
        clock.advance(OPEN_FOR);
        a.breaker().succeeded(a.breaker().tryAcquire());

        b.health().poll();
        assertEquals(Availability.up(), b.breaker().availability());
        assertFalse(b.breaker().tryAcquire().probe());
    }

    @Test
    void aFailedProbeOpensTheCircuitAgainOnEveryReplica() {
        a.fail(2);
        clock.advance(OPEN_FOR);
        a.breaker().failed(a.breaker().tryAcquire());

        b.health().poll();
        assertNull(b.breaker().tryAcquire());
        clock.advance(OPEN_FOR.minusSeconds(1));
        b.health().poll();
        assertNull(b.breaker().tryAcquire());
        clock.advance(Duration.ofSeconds(1));
        assertTrue(b.breaker().tryAcquire().probe());
    }

    @Test
    void aProbeEndedWithoutAVerdictLetsAnotherReplicaProbe() {
        a.fail(2);
        clock.advance(OPEN_FOR);
        a.breaker().released(a.breaker().tryAcquire());

        b.health().poll();
        assertTrue(b.breaker().tryAcquire().probe());
    }

    @Test
    void aReadBegunBeforeAnEventOfThisReplicaDoesNotUndoIt() {
        var unwritten = new ArrayList<Runnable>();
        Replica slow = replica(unwritten::add);
        // The read was on its way when this replica opened the circuit; its write has not landed yet.
        store.duringRead(() -> slow.fail(2));
        slow.health().poll();

        assertNull(slow.breaker().tryAcquire());
        store.duringRead(() -> { });
        unwritten.forEach(Runnable::run);
        b.health().poll();
        assertNull(b.breaker().tryAcquire());
    }

    @Test
    void aReadSentBeforeAWriteOfThisReplicaLandedDoesNotUndoIt() {
        var unwritten = new ArrayList<Runnable>();
        Replica slow = replica(unwritten::add);
        slow.fail(2);
        // The store answers without the opening, and the opening's write lands before the answer is applied.
        store.afterRead(() -> unwritten.forEach(Runnable::run));
        slow.health().poll();

        assertNull(slow.breaker().tryAcquire());
    }

    @Test
    void whileTheStoreDoesNotAnswerEachReplicaGoesOnWithWhatItKnows() {
        a.fail(2);
        a.gate().holdFor(Duration.ofSeconds(3));
        b.health().poll();
        store.down(true);
        b.health().poll();
        assertFalse(b.link().up());

        // What it learned still holds: the pause, and the open circuit until its time is over.
        b.gate().awaitTurn();
        assertEquals(List.of(Duration.ofSeconds(3)), clock.sleeps());
        assertNull(b.breaker().tryAcquire());
        clock.advance(OPEN_FOR);
        assertTrue(b.breaker().tryAcquire().probe(), "the probe is this replica's own decision");
    }

    @Test
    void cutOffAReplicaStopsWaitingForAnotherReplicasProbe() {
        a.fail(2);
        clock.advance(OPEN_FOR);
        assertTrue(a.breaker().tryAcquire().probe());
        b.health().poll();
        assertNull(b.breaker().tryAcquire());

        store.down(true);
        b.health().poll();
        assertTrue(b.breaker().tryAcquire().probe());
    }

    @Test
    void withNothingKnownProviderHealthRefusesNothing() {
        store.down(true);
        b.health().poll();
        assertNotNull(b.breaker().tryAcquire());
        b.gate().awaitTurn();
        assertEquals(List.of(), clock.sleeps());
    }

    @Test
    void aProviderThisReplicaNeverCalledShowsTheCircuitAnotherOneOpened() {
        var guards = new ProviderGuards(new ResilienceSettings(0, 0, Duration.ZERO, 1.0, Duration.ofSeconds(32), 10, 2,
                OPEN_FOR), clock, clock, b.health());
        a.fail(2);
        b.health().poll();
        assertEquals(Availability.down("circuit open after 2 consecutive failures; next probe in 30 s"),
                guards.availability(OPENAI));
    }

    @Test
    void successfulCallsAndOpenGatesWriteNothing() {
        b.health().poll();
        for (int i = 0; i < 100; i++) {
            b.gate().awaitTurn();
            b.breaker().succeeded(b.breaker().tryAcquire());
        }
        b.breaker().failed(b.breaker().tryAcquire());
        assertEquals(0, store.writes);
    }
}
