package io.llmclient.application.governance;

import static io.llmclient.application.governance.QuotaFixture.USD;
import static io.llmclient.application.governance.QuotaFixture.budget;
import static io.llmclient.application.governance.QuotaFixture.maxParallel;
import static io.llmclient.application.governance.QuotaFixture.soloKey;
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
import io.llmclient.application.testing.Await;
import io.llmclient.application.testing.ManualClock;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How the state link drives {@link SharedQuotaState} over a shared store that can be switched
 * off: one failure cuts the link (the store is not asked again until the probe finds it), the
 * metrics of each call, fail-closed only for callers with limits, one charge id however often it
 * is sent, and settlements on the state that admitted.
 */
class SharedQuotaStateLinkTest {
    private static final Instant NOW = Instant.parse("2026-12-06T10:00:00Z");
    private static final LimitedParty LIMITED = soloKey("limited", maxParallel(1));
    private static final LimitedParty BUDGETED = soloKey("budgeted", budget(10 * USD, BudgetPeriod.DAILY));
    private static final LimitedParty FREE = soloKey("free",
            new Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty()));

    private final Store store = new Store();
    private final RecordingMetrics metrics = new RecordingMetrics();
    private final StepSleeper probeSleeps = new StepSleeper();
    private StateLink link;

    private SharedQuotaState state(StateFailureMode mode) {
        link = new StateLink(store, mode, new ManualClock(), metrics, probeSleeps, Duration.ofMillis(500));
        return new SharedQuotaState(store, link);
    }

    @AfterEach
    void closeLink() {
        if (link != null) {
            link.close();
        }
    }

    @Test
    void whileTheStoreAnswersEveryStepGoesToItAndIsTimed() {
        SharedQuotaState state = state(StateFailureMode.OPEN);
        var admitted = assertInstanceOf(Admission.Admitted.class, state.admit(List.of(LIMITED), NOW));
        assertInstanceOf(Admission.Refused.class, state.admit(List.of(LIMITED), NOW), "max-parallel 1 in the store");
        admitted.settlement().settle(10, new NanoUsd(5), NOW);
        assertEquals(List.of("admit", "admit", "settle"), store.calls);
        assertEquals(List.of("admit ok", "admit ok", "settle ok"), metrics.calls);
    }

    @Test
    void failingOpenOneFailedCallCutsTheLinkAndLaterCallsUseThisReplicaAloneAtOnce() {
        SharedQuotaState state = state(StateFailureMode.OPEN);
        store.down = true;
        assertInstanceOf(Admission.Admitted.class, state.admit(List.of(LIMITED), NOW));
        assertInstanceOf(Admission.Refused.class, state.admit(List.of(LIMITED), NOW),
                "this replica's memory counts the in-flight place");
        assertEquals(List.of("admit"), store.calls, "after one failure the store is not asked again");
        assertEquals(List.of("admit failed"), metrics.calls);
        assertEquals(List.of(true), metrics.fallbacks);
        assertFalse(link.up());
        assertTrue(link.availability().reason().contains("failing open"), link.availability().reason());
        assertEquals(1, state.standings(List.of(LIMITED), NOW).getFirst().parallel().orElseThrow().inUse());
    }

    @Test
    void failingClosedACallerWithLimitsIsRefusedAndOneWithoutIsAdmitted() {
        SharedQuotaState state = state(StateFailureMode.CLOSED);
        store.down = true;
        assertThrows(StateUnavailableException.class, () -> state.admit(List.of(LIMITED), NOW));
        assertThrows(StateUnavailableException.class, () -> state.admit(List.of(BUDGETED), NOW));
        assertThrows(StateUnavailableException.class, () -> state.standings(List.of(LIMITED), NOW));
        assertInstanceOf(Admission.Admitted.class, state.admit(List.of(FREE), NOW));
        assertEquals(List.of(false), metrics.fallbacks, "failing closed is no fallback");
    }

    @Test
    void spendChargedWhileTheStoreWasAwayIsAddedOnceWhenTheProbeFindsItAgain() {
        SharedQuotaState state = state(StateFailureMode.OPEN);
        var beforeOutage = assertInstanceOf(Admission.Admitted.class, state.admit(List.of(BUDGETED), NOW));
        store.down = true;
        // Admitted by the store, settled while it is away; then two calls admitted by this replica.
        beforeOutage.settlement().settle(1, new NanoUsd(300), NOW);
        for (int i = 0; i < 2; i++) {
            var local = assertInstanceOf(Admission.Admitted.class, state.admit(List.of(BUDGETED), NOW));
            local.settlement().settle(1, new NanoUsd(200), NOW);
        }
        assertEquals(700, state.outstandingNanos());
        assertEquals(0, spent(BUDGETED));

        // A probe while still down changes nothing; the next one finds the store and replays.
        probeSleeps.step();
        Await.until(() -> metrics.calls.contains("ping failed"), "a failed ping");
        store.down = false;
        probeSleeps.step();
        Await.until(link::up, "the link up again");
        assertEquals(700, spent(BUDGETED));
        assertEquals(0, state.outstandingNanos());
        assertEquals(List.of(true, false), metrics.fallbacks);
    }

    @Test
    void theReplicaLogsOnceWhenItFailsOverWithTheReasonAndOnceWhenTheStoreAnswersAgain() {
        var logged = new CopyOnWriteArrayList<String>();
        var logger = java.util.logging.Logger.getLogger(StateLink.class.getName());
        var handler = new java.util.logging.Handler() {
            @Override
            public void publish(java.util.logging.LogRecord record) {
                logged.add(record.getLevel() + " " + record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        logger.addHandler(handler);
        try {
            SharedQuotaState state = state(StateFailureMode.OPEN);
            store.down = true;
            for (int i = 0; i < 3; i++) {
                state.admit(List.of(LIMITED), NOW);
            }
            assertEquals(List.of("WARNING the shared state does not answer, failing open: the test's store is down"),
                    logged, "one line for the failure, not one per request");
            store.down = false;
            probeSleeps.step();
            Await.until(link::up, "the link up again");
            Await.until(() -> logged.size() == 2, "the line saying the store answers again");
            assertEquals("INFO the shared state answers again", logged.get(1));
        } finally {
            logger.removeHandler(handler);
        }
    }

    @Test
    void aChargeWhoseAnswerWasLostIsSentAgainWithTheSameIdAndCountedOnce() {
        SharedQuotaState state = state(StateFailureMode.OPEN);
        store.down = true;
        var local = assertInstanceOf(Admission.Admitted.class, state.admit(List.of(BUDGETED), NOW));
        local.settlement().settle(1, new NanoUsd(400), NOW);

        store.down = false;
        store.loseNextChargeAnswer = true;
        probeSleeps.step();
        Await.until(() -> store.chargeIds.size() == 1, "one charge sent");
        probeSleeps.step();
        Await.until(link::up, "the link up again");
        assertEquals(2, store.chargeIds.size(), "sent twice");
        assertEquals(store.chargeIds.get(0), store.chargeIds.get(1), "with one id");
        assertEquals(400, spent(BUDGETED), "counted once");
    }

    @Test
    void aCallIsSettledOnTheStateThatAdmittedItEvenAfterTheStoreIsBack() {
        SharedQuotaState state = state(StateFailureMode.OPEN);
        store.down = true;
        var local = assertInstanceOf(Admission.Admitted.class, state.admit(List.of(LIMITED), NOW));
        store.down = false;
        probeSleeps.step();
        Await.until(link::up, "the link up again");

        var shared = assertInstanceOf(Admission.Admitted.class, state.admit(List.of(LIMITED), NOW));
        local.settlement().settle(0, NanoUsd.ZERO, NOW);
        assertInstanceOf(Admission.Refused.class, state.admit(List.of(LIMITED), NOW),
                "the local settlement did not free the store's place");
        shared.settlement().settle(0, NanoUsd.ZERO, NOW);
        assertInstanceOf(Admission.Admitted.class, state.admit(List.of(LIMITED), NOW));
    }

    private long spent(LimitedParty party) {
        return store.inner.standings(List.of(party), NOW).getFirst().budget().orElseThrow().spent().nanos();
    }

    /** A shared store that can be switched off: every call fails while {@code down}. */
    private static final class Store implements QuotaState, StateStore {
        final InProcessQuotaState inner = new InProcessQuotaState();
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<String> chargeIds = new CopyOnWriteArrayList<>();
        volatile boolean down;
        volatile boolean loseNextChargeAnswer;

        private void answerable(String call) {
            calls.add(call);
            if (down) {
                throw new StateUnavailableException("the test's store is down");
            }
        }

        @Override
        public Admission admit(List<LimitedParty> parties, Instant now) {
            answerable("admit");
            Admission admission = inner.admit(parties, now);
            if (admission instanceof Admission.Admitted admitted) {
                return new Admission.Admitted(admitted.standings(), (tokens, cost, at) -> {
                    answerable("settle");
                    admitted.settlement().settle(tokens, cost, at);
                });
            }
            return admission;
        }

        @Override
        public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
            answerable("settle");
            inner.settle(parties, tokens, cost, now);
        }

        @Override
        public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                           String settlementId) {
            answerable("settle");
            inner.settle(parties, calls, tokens, cost, now, settlementId);
        }

        @Override
        public List<Standing> standings(List<LimitedParty> parties, Instant now) {
            answerable("standings");
            return inner.standings(parties, now);
        }

        @Override
        public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
            answerable("charge");
            chargeIds.add(chargeId);
            inner.charge(parties, cost, at, chargeId);
            if (loseNextChargeAnswer) {
                loseNextChargeAnswer = false;
                throw new StateUnavailableException("the answer was lost");
            }
        }

        @Override
        public void ping() {
            answerable("ping");
        }
    }

    /** A sleeper that returns only when the test lets it: each step lets the probe try once. */
    private static final class StepSleeper implements Sleeper {
        private final Semaphore steps = new Semaphore(0);

        void step() {
            steps.release();
        }

        @Override
        public void sleep(Duration duration) throws InterruptedException {
            steps.acquire();
        }
    }

    private static final class RecordingMetrics implements MetricsPort {
        final List<String> calls = new CopyOnWriteArrayList<>();
        final List<Boolean> fallbacks = new ArrayList<>();

        @Override
        public void stateCall(String operation, Duration took, boolean failed) {
            calls.add(operation + (failed ? " failed" : " ok"));
        }

        @Override
        public synchronized void stateFallback(boolean active) {
            fallbacks.add(active);
        }

        @Override
        public void started(io.llmclient.domain.catalog.ModelEntry model) {
        }

        @Override
        public void firstToken(io.llmclient.domain.catalog.ModelEntry model, Duration timeToFirstToken) {
        }

        @Override
        public void succeeded(io.llmclient.domain.catalog.ModelEntry model, Duration latency,
                              io.llmclient.domain.chat.Usage usage) {
        }

        @Override
        public void failed(io.llmclient.domain.catalog.ModelEntry model, Duration latency, String errorType) {
        }

        @Override
        public void governanceViolation(String attemptedModel, String sourceAgent) {
        }
    }
}
