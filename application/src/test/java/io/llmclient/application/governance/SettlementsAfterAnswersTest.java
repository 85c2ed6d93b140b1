package io.llmclient.application.governance;

import static io.llmclient.application.governance.QuotaFixture.USD;
import static io.llmclient.application.governance.QuotaFixture.limits;
import static io.llmclient.application.governance.QuotaFixture.maxParallel;
import static io.llmclient.application.governance.QuotaFixture.team;
import static io.llmclient.application.governance.QuotaFixture.teamKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.state.StateStore;
import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.testing.Await;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SharedQuotaState built to settle after answers: which settlements wait, how those that pile up
 * go together, and that none is lost when the store fails or the state closes.
 */
class SettlementsAfterAnswersTest {
    private static final Budget DAILY = new Budget(new NanoUsd(1000 * USD), BudgetPeriod.DAILY);
    private static final LimitedParty RESEARCH = team("research", limits(null, 1_000_000L, 100L, DAILY));
    private static final LimitedParty ALICE = teamKey("alice", "research", limits(null, 1_000_000L, 10L, DAILY));
    private static final List<LimitedParty> PARTIES = List.of(ALICE, RESEARCH);

    /** One settle step the store received. */
    private record Step(List<LimitedParty> parties, int calls, long tokens, long nanos, String thread) {
    }

    /** An in-process state standing in for Redis, which records settle steps and can hold or refuse them. */
    private static final class Store implements QuotaState, StateStore {
        final InProcessQuotaState inner = new InProcessQuotaState();
        final List<Step> steps = new CopyOnWriteArrayList<>();
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile boolean down;

        @Override
        public Admission admit(List<LimitedParty> parties, Instant now) {
            answer();
            return inner.admit(parties, now);
        }

        @Override
        public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
            settle(parties, 1, tokens, cost, now, "unnamed-" + System.nanoTime());
        }

        @Override
        public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                           String settlementId) {
            entered.countDown();
            try {
                assertTrue(gate.await(10, TimeUnit.SECONDS), "the test never opened the gate");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            answer();
            steps.add(new Step(parties, calls, tokens, cost.nanos(), Thread.currentThread().getName()));
            inner.settle(parties, calls, tokens, cost, now, settlementId);
        }

        @Override
        public List<Standing> standings(List<LimitedParty> parties, Instant now) {
            answer();
            return inner.standings(parties, now);
        }

        @Override
        public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
            answer();
            inner.charge(parties, cost, at, chargeId);
        }

        @Override
        public void ping() {
            answer();
        }

        private void answer() {
            if (down) {
                throw new StateUnavailableException("the test's store is down");
            }
        }

        /** Holds the next settle steps until {@link #open}; returns when one is held. */
        CountDownLatch hold() {
            gate = new CountDownLatch(1);
            entered = new CountDownLatch(1);
            return entered;
        }

        void open() {
            gate.countDown();
        }

        Standing standing(LimitedParty party) {
            return inner.standings(List.of(party), Instant.now()).getFirst();
        }
    }

    private final Store store = new Store();
    private StateLink link;
    private SharedQuotaState state;

    // Without a linger: sent as soon as the sender is free, as the cases of batching need.
    private SharedQuotaState settlingAfterAnswers(int queued) {
        return settlingAfterAnswers(queued, Duration.ZERO);
    }

    private SharedQuotaState settlingAfterAnswers(int queued, Duration linger) {
        link = new StateLink(store, StateFailureMode.OPEN, TimeSource.system(), MetricsPort.none(), Sleeper.system(),
                Duration.ofMillis(10));
        state = SharedQuotaState.settlingAfterAnswers(store, link, queued, linger);
        return state;
    }

    @AfterEach
    void close() {
        store.open();
        if (state != null) {
            state.close();
        }
        if (link != null) {
            link.close();
        }
    }

    private Settlement admitted(List<LimitedParty> parties) {
        return assertInstanceOf(Admission.Admitted.class, state.admit(parties, Instant.now())).settlement();
    }

    @Test
    void aSettlementWithRoomToSpareReturnsBeforeTheStoreHasItAndIsSentByTheQueue() throws Exception {
        settlingAfterAnswers(100);
        var settlement = admitted(PARTIES);
        CountDownLatch held = store.hold();
        settlement.settle(40, new NanoUsd(3 * USD), Instant.now());
        // Returned while the store holds the step: the answer did not wait for it.
        assertTrue(held.await(10, TimeUnit.SECONDS));
        assertEquals(List.of(), store.steps);
        store.open();
        Await.until(() -> store.steps.size() == 1, "the settlement to arrive");
        assertEquals(new Step(PARTIES, 1, 40, 3 * USD, "llm-settlements"), store.steps.getFirst());
        assertEquals(0, store.standing(ALICE).parallel().orElseThrow().inUse());
        assertEquals(3 * USD, store.standing(RESEARCH).budget().orElseThrow().spent().nanos());
    }

    @Test
    void settlementsThatPileUpWhileOneIsSentGoTogetherSummed() throws Exception {
        settlingAfterAnswers(100);
        var first = admitted(PARTIES);
        var others = List.of(admitted(PARTIES), admitted(PARTIES), admitted(PARTIES));
        var solo = List.of(team("ops", maxParallel(10)));
        var alone = admitted(solo);
        CountDownLatch held = store.hold();
        first.settle(1, new NanoUsd(1), Instant.now());
        assertTrue(held.await(10, TimeUnit.SECONDS));
        for (int i = 0; i < others.size(); i++) {
            others.get(i).settle(10 + i, new NanoUsd(100 + i), Instant.now());
        }
        alone.settle(7, NanoUsd.ZERO, Instant.now());
        Await.until(() -> state.settlementsWaiting() == 4, "the settlements to queue");
        store.open();
        Await.until(() -> store.steps.size() == 3, "three steps");
        assertEquals(List.of(new Step(PARTIES, 1, 1, 1, "llm-settlements"),
                new Step(PARTIES, 3, 33, 303, "llm-settlements"),
                new Step(solo, 1, 7, 0, "llm-settlements")), store.steps);
        assertEquals(0, store.standing(RESEARCH).parallel().orElseThrow().inUse());
        assertEquals(304, store.standing(ALICE).budget().orElseThrow().spent().nanos());
    }

    @Test
    void aCallerAboveHalfItsMaxParallelIsSettledBeforeItsAnswer() {
        settlingAfterAnswers(100);
        var tight = List.of(teamKey("bob", "research", maxParallel(2)), RESEARCH);
        admitted(tight);
        // The second of two places: a settlement waiting would hold the next call's place.
        var second = admitted(tight);
        second.settle(5, NanoUsd.ZERO, Instant.now());
        assertEquals(1, store.steps.size());
        assertEquals(Thread.currentThread().getName(), store.steps.getFirst().thread());
        // The first one, admitted with a place to spare, waits and is sent by the queue.
        assertEquals(1, store.standing(tight.getFirst()).parallel().orElseThrow().inUse());
    }

    @Test
    void aCallerPastHalfItsBudgetOrItsTpmIsSettledBeforeItsAnswer() {
        settlingAfterAnswers(100);
        store.inner.charge(List.of(ALICE), new NanoUsd(600 * USD), Instant.now(), "earlier-spend");
        admitted(PARTIES).settle(1, new NanoUsd(1), Instant.now());
        assertEquals(1, store.steps.size());
        assertEquals(Thread.currentThread().getName(), store.steps.getFirst().thread());

        var thrifty = List.of(teamKey("carol", "ops", limits(null, 100L, null, null)));
        store.inner.settle(thrifty, 60, NanoUsd.ZERO, Instant.now());
        admitted(thrifty).settle(1, NanoUsd.ZERO, Instant.now());
        assertEquals(2, store.steps.size());
        assertEquals(Thread.currentThread().getName(), store.steps.get(1).thread());
    }

    @Test
    void whenTheQueueIsFullTheCallerSettlesItself() throws Exception {
        settlingAfterAnswers(1);
        var settlements = List.of(admitted(PARTIES), admitted(PARTIES), admitted(PARTIES));
        CountDownLatch held = store.hold();
        settlements.get(0).settle(1, new NanoUsd(1), Instant.now());
        assertTrue(held.await(10, TimeUnit.SECONDS));
        settlements.get(1).settle(2, new NanoUsd(2), Instant.now());
        Await.until(() -> state.settlementsWaiting() == 1, "one settlement to wait");
        Thread caller = Thread.ofVirtual().name("caller").start(
                () -> settlements.get(2).settle(3, new NanoUsd(3), Instant.now()));
        Await.until(() -> caller.getState() == Thread.State.WAITING || caller.getState() == Thread.State.TIMED_WAITING,
                "the caller to reach the held store");
        store.open();
        caller.join(10_000);
        Await.until(() -> store.steps.size() == 3, "all three");
        assertTrue(store.steps.stream().anyMatch(step -> step.thread().equals("caller") && step.nanos() == 3),
                store.steps::toString);
        assertEquals(6, store.standing(ALICE).budget().orElseThrow().spent().nanos());
    }

    @Test
    void aBatchTheStoreDidNotTakeIsChargedOnceWhenItAnswersAgain() throws Exception {
        settlingAfterAnswers(100);
        var settlements = List.of(admitted(PARTIES), admitted(PARTIES));
        store.down = true;
        settlements.get(0).settle(10, new NanoUsd(5 * USD), Instant.now());
        settlements.get(1).settle(10, new NanoUsd(7 * USD), Instant.now());
        Await.until(() -> state.settlementsWaiting() == 0 && state.outstandingNanos() > 0, "the batch to fail");
        store.down = false;
        Await.until(() -> state.outstandingNanos() == 0, "the outage spend to be replayed");
        assertEquals(12 * USD, store.standing(ALICE).budget().orElseThrow().spent().nanos());
        assertEquals(12 * USD, store.standing(RESEARCH).budget().orElseThrow().spent().nanos());
    }

    @Test
    void closingSendsWhatWaitsAndLaterSettlementsGoStraightToTheStore() throws Exception {
        settlingAfterAnswers(100);
        var settlements = List.of(admitted(PARTIES), admitted(PARTIES), admitted(PARTIES));
        CountDownLatch held = store.hold();
        settlements.get(0).settle(1, new NanoUsd(1), Instant.now());
        assertTrue(held.await(10, TimeUnit.SECONDS));
        settlements.get(1).settle(1, new NanoUsd(2), Instant.now());
        Thread closing = Thread.ofVirtual().start(state::close);
        store.open();
        closing.join(10_000);
        assertEquals(3, store.standing(ALICE).budget().orElseThrow().spent().nanos());
        settlements.get(2).settle(1, new NanoUsd(4), Instant.now());
        assertEquals(7, store.standing(ALICE).budget().orElseThrow().spent().nanos());
    }

    @Test
    void settlementsOfDifferentDaysAreNotSummed() throws Exception {
        settlingAfterAnswers(100);
        var first = admitted(PARTIES);
        var today = admitted(PARTIES);
        var yesterday = admitted(PARTIES);
        CountDownLatch held = store.hold();
        first.settle(1, new NanoUsd(1), Instant.now());
        assertTrue(held.await(10, TimeUnit.SECONDS));
        today.settle(1, new NanoUsd(2), Instant.now());
        yesterday.settle(1, new NanoUsd(4), Instant.now().minus(Duration.ofDays(1)));
        store.open();
        Await.until(() -> store.steps.size() == 3, "three steps");
        assertEquals(List.of(1L, 2L, 4L), store.steps.stream().map(Step::nanos).toList());
    }

    @Test
    void settlementsOfTheSamePartiesWithinTheLingerAreSentAsOneStepWhenItEnds() throws Exception {
        settlingAfterAnswers(100, Duration.ofMillis(50));
        long started = System.nanoTime();
        var settlements = List.of(admitted(PARTIES), admitted(PARTIES), admitted(PARTIES));
        for (int i = 0; i < settlements.size(); i++) {
            settlements.get(i).settle(10 + i, new NanoUsd(USD), Instant.now());
        }
        // The step reaches the store a moment before the queue counts it sent: both are awaited.
        Await.until(() -> store.steps.size() == 1 && state.settlementsWaiting() == 0,
                "the lingering settlements to be sent");
        assertTrue(System.nanoTime() - started >= TimeUnit.MILLISECONDS.toNanos(50), "sent before the linger ended");
        assertEquals(new Step(PARTIES, 3, 33, 3 * USD, "llm-settlements"), store.steps.getFirst());
        assertEquals(0, store.standing(ALICE).parallel().orElseThrow().inUse());
    }

    @Test
    void aCallerPastHalfItsMaxParallelSettlesItsWaitingCallsWithItsOwn() {
        settlingAfterAnswers(100, Duration.ofSeconds(30));
        var tight = List.of(teamKey("bob", "research", maxParallel(4)), RESEARCH);
        // One and two places of four in use: room to spare, so they wait.
        admitted(tight).settle(1, new NanoUsd(1), Instant.now());
        admitted(tight).settle(2, new NanoUsd(2), Instant.now());
        assertEquals(2, state.settlementsWaiting());
        // Three in use: settled at once, and the two waiting go with it, so all three places come back.
        admitted(tight).settle(4, new NanoUsd(4), Instant.now());
        assertEquals(List.of(new Step(tight, 3, 7, 7, Thread.currentThread().getName())), store.steps);
        assertEquals(0, state.settlementsWaiting());
        assertEquals(0, store.standing(tight.getFirst()).parallel().orElseThrow().inUse());
    }

    @Test
    void aCallerRefusedForPlacesItsEndedCallsStillHoldIsSettledAndAdmitted() {
        settlingAfterAnswers(100, Duration.ofSeconds(30));
        var wide = List.of(teamKey("dan", "research", maxParallel(4)), RESEARCH);
        var first = admitted(wide);
        var second = admitted(wide);
        // Both end with room to spare (two places of four when admitted): their places wait to be given back.
        first.settle(1, NanoUsd.ZERO, Instant.now());
        second.settle(1, NanoUsd.ZERO, Instant.now());
        admitted(wide);
        admitted(wide);
        // Four places taken in the store, two of them by ended calls: the fifth is admitted after
        // those two are settled, where without them it would be refused.
        var fifth = assertInstanceOf(Admission.Admitted.class, state.admit(wide, Instant.now()));
        assertEquals(3, fifth.standings().getFirst().parallel().orElseThrow().inUse());
        assertEquals(List.of(new Step(wide, 2, 2, 0, Thread.currentThread().getName())), store.steps);
        // Truly full (four in flight): refused, with nothing waiting to settle.
        admitted(wide);
        assertInstanceOf(Admission.Refused.class, state.admit(wide, Instant.now()));
    }

    @Test
    void closingSendsTheSettlementsThatLinger() {
        settlingAfterAnswers(100, Duration.ofSeconds(30));
        admitted(PARTIES).settle(10, new NanoUsd(USD), Instant.now());
        state.close();
        assertEquals(List.of(new Step(PARTIES, 1, 10, USD, "llm-settlements")), store.steps);
        assertEquals(0, store.standing(ALICE).parallel().orElseThrow().inUse());
    }

    @Test
    void noSettlementWaitsInAnEmptyQueue() {
        assertThrows(IllegalArgumentException.class, () -> settlingAfterAnswers(0));
    }
}
