package io.llmclient.application.governance;

import static io.llmclient.application.governance.QuotaFixture.USD;
import static io.llmclient.application.governance.QuotaFixture.budget;
import static io.llmclient.application.governance.QuotaFixture.maxParallel;
import static io.llmclient.application.governance.QuotaFixture.team;
import static io.llmclient.application.governance.QuotaFixture.teamKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * SharedQuotaState, StateLink and OutageSpend against a shared state that can stop answering, or
 * apply a call and lose its answer (what a timeout after the store ran the call looks like). The
 * same behaviours against a real Redis killed mid-traffic are in the Redis module's RedisOutageTest.
 */
class SharedQuotaStateTest {
    private static final LimitedParty RESEARCH = team("research", budget(100 * USD, BudgetPeriod.TOTAL));
    private static final LimitedParty ALICE = teamKey("alice", "research", budget(100 * USD, BudgetPeriod.DAILY));
    private static final List<LimitedParty> PARTIES = List.of(ALICE, RESEARCH);

    /** How the store behaves now. */
    private enum Behaviour { ANSWERS, DOWN, LOSES_ANSWERS }

    /** An in-process state standing in for the shared store, whose answers the test takes away. */
    private static final class Store implements QuotaState, StateStore {
        private final InProcessQuotaState inner = new InProcessQuotaState();
        private volatile Behaviour behaviour = Behaviour.ANSWERS;

        private <T> T call(java.util.function.Supplier<T> work) {
            if (behaviour == Behaviour.DOWN) {
                throw new StateUnavailableException("the test's store is down");
            }
            T result = work.get();
            if (behaviour == Behaviour.LOSES_ANSWERS) {
                throw new StateUnavailableException("the test's store ran the call and lost its answer");
            }
            return result;
        }

        @Override
        public Admission admit(List<LimitedParty> parties, Instant now) {
            return call(() -> inner.admit(parties, now));
        }

        @Override
        public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
            call(() -> {
                inner.settle(parties, tokens, cost, now);
                return null;
            });
        }

        @Override
        public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                           String settlementId) {
            call(() -> {
                inner.settle(parties, calls, tokens, cost, now, settlementId);
                return null;
            });
        }

        @Override
        public List<Standing> standings(List<LimitedParty> parties, Instant now) {
            return call(() -> inner.standings(parties, now));
        }

        @Override
        public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
            call(() -> {
                inner.charge(parties, cost, at, chargeId);
                return null;
            });
        }

        @Override
        public void ping() {
            if (behaviour == Behaviour.DOWN) {
                throw new StateUnavailableException("the test's store does not answer");
            }
        }

        long spent(LimitedParty party) {
            return inner.standings(List.of(party), Instant.now()).getFirst().budget().orElseThrow().spent().nanos();
        }
    }

    private final Store store = new Store();
    private StateLink link;

    @AfterEach
    void closeLink() {
        if (link != null) {
            link.close();
        }
    }

    private SharedQuotaState shared(StateFailureMode mode) {
        link = new StateLink(store, mode, TimeSource.system(), MetricsPort.none(), Sleeper.system(),
                Duration.ofMillis(10));
        return new SharedQuotaState(store, link);
    }

    private void awaitRecovery(SharedQuotaState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while ((!link.up() || state.outstandingNanos() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(link.up(), "the link did not come back up");
        assertEquals(0, state.outstandingNanos());
    }

    @Test
    void whileTheStoreAnswersEveryStepIsItsOwn() {
        var state = shared(StateFailureMode.OPEN);
        var admission = assertInstanceOf(Admission.Admitted.class, state.admit(PARTIES, Instant.now()));
        admission.settlement().settle(10, new NanoUsd(USD), Instant.now());
        state.settle(PARTIES, 0, new NanoUsd(USD), Instant.now());
        state.charge(PARTIES, new NanoUsd(USD), Instant.now(), "charge-1");
        assertEquals(3 * USD, store.spent(ALICE));
        assertEquals(new NanoUsd(3 * USD), state.standings(PARTIES, Instant.now()).get(1).budget().orElseThrow().spent());
        assertEquals(List.of(), state.standings(List.of(), Instant.now()));
        assertEquals(List.of(), assertInstanceOf(Admission.Admitted.class, state.admit(List.of(), Instant.now()))
                .standings());
        assertTrue(link.availability().available());
        assertEquals(0, state.outstandingNanos());
    }

    @Test
    void failingOpenAdmitsFromMemoryWhileTheStoreIsDownAndItsSpendReachesTheStoreOnce() throws Exception {
        var state = shared(StateFailureMode.OPEN);
        store.behaviour = Behaviour.DOWN;
        var admission = assertInstanceOf(Admission.Admitted.class, state.admit(PARTIES, Instant.now()));
        assertFalse(link.up());
        assertFalse(link.availability().available());
        assertTrue(link.availability().reason().contains("failing open"), link.availability().reason());
        // Limits hold in this replica's memory meanwhile.
        var tight = List.of(teamKey("bob", "research", maxParallel(1)));
        state.admit(tight, Instant.now());
        assertInstanceOf(Admission.Refused.class, state.admit(tight, Instant.now()));
        assertEquals(100 * USD, state.standings(PARTIES, Instant.now()).getFirst().budget().orElseThrow().limit().nanos());
        admission.settlement().settle(10, new NanoUsd(7), Instant.now());
        assertEquals(2 * 7, state.outstandingNanos());
        store.behaviour = Behaviour.ANSWERS;
        awaitRecovery(state);
        assertEquals(7, store.spent(ALICE));
        assertEquals(7, store.spent(RESEARCH));
        // Spend of a call admitted from memory and settled after the recovery goes straight to the store.
        state.admit(PARTIES, Instant.now());
    }

    @Test
    void failingClosedRefusesWhileDownAndSettlesAnEarlierAdmissionOnce() throws Exception {
        var state = shared(StateFailureMode.CLOSED);
        var admission = assertInstanceOf(Admission.Admitted.class, state.admit(PARTIES, Instant.now()));
        store.behaviour = Behaviour.DOWN;
        assertThrows(StateUnavailableException.class, () -> state.admit(PARTIES, Instant.now()));
        assertThrows(StateUnavailableException.class, () -> state.standings(PARTIES, Instant.now()));
        assertThrows(StateUnavailableException.class,
                () -> state.charge(PARTIES, new NanoUsd(1), Instant.now(), "charge-down"));
        assertTrue(link.availability().reason().contains("failing closed"), link.availability().reason());
        admission.settlement().settle(10, new NanoUsd(11), Instant.now());
        state.settle(PARTIES, 0, new NanoUsd(13), Instant.now(), "settlement-2");
        assertEquals(2 * 24, state.outstandingNanos());
        store.behaviour = Behaviour.ANSWERS;
        awaitRecovery(state);
        assertEquals(24, store.spent(ALICE));
        assertEquals(24, store.spent(RESEARCH));
    }

    @Test
    void aSettlementTheStoreRanButWhoseAnswerWasLostIsCountedOnce() throws Exception {
        var state = shared(StateFailureMode.OPEN);
        var admission = assertInstanceOf(Admission.Admitted.class, state.admit(PARTIES, Instant.now()));
        store.behaviour = Behaviour.LOSES_ANSWERS;
        admission.settlement().settle(10, new NanoUsd(5), Instant.now());
        assertEquals(2 * 5, state.outstandingNanos());
        store.behaviour = Behaviour.ANSWERS;
        awaitRecovery(state);
        assertEquals(5, store.spent(ALICE));
        assertEquals(5, store.spent(RESEARCH));
    }

    @Test
    void aRecoveryThatFailsKeepsTheSpendForTheNextOne() throws Exception {
        var state = shared(StateFailureMode.OPEN);
        store.behaviour = Behaviour.DOWN;
        var admission = assertInstanceOf(Admission.Admitted.class, state.admit(PARTIES, Instant.now()));
        admission.settlement().settle(10, new NanoUsd(3), Instant.now());
        // The store answers pings again but loses the answers of charges: each replay fails and is kept.
        store.behaviour = Behaviour.LOSES_ANSWERS;
        Thread.sleep(100);
        assertFalse(link.up());
        store.behaviour = Behaviour.ANSWERS;
        awaitRecovery(state);
        // Each lost charge was applied: its id made the next attempts count nothing.
        assertEquals(3, store.spent(ALICE));
        assertEquals(3, store.spent(RESEARCH));
    }

    @Test
    void failureModesHaveTheirWireNames() {
        assertEquals("open", StateFailureMode.OPEN.wireName());
        assertEquals(Optional.of(StateFailureMode.CLOSED), StateFailureMode.fromWire("closed"));
        assertEquals(Optional.empty(), StateFailureMode.fromWire("ajar"));
        shared(StateFailureMode.CLOSED);
        assertEquals(StateFailureMode.CLOSED, link.mode());
        assertThrows(IllegalArgumentException.class, () -> new StateLink(store, StateFailureMode.OPEN,
                TimeSource.system(), MetricsPort.none(), Sleeper.system(), Duration.ZERO));
    }
}
