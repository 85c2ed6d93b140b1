package io.llmclient.application.governance;

import static io.llmclient.application.governance.QuotaFixture.limits;
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
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.testing.Await;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * SharedQuotaState admitting ahead (decision 47): parties with a steady rate get requests granted
 * ahead by one store step and handed out without one; a slow caller never does; every request
 * granted ahead is handed out exactly once or given back, on renewal, by the sweep of allowances
 * whose time passed, or on close.
 */
class AdmittingAheadTest {
    private static final LimitedParty RESEARCH = team("research", limits(1_000_000L, null, null, null));
    private static final LimitedParty ALICE = teamKey("alice", "research", limits(1_000_000L, null, 100_000L, null));
    private static final List<LimitedParty> PARTIES = List.of(ALICE, RESEARCH);

    /**
     * A store standing in for Redis: admits the asking request in memory and grants what was asked
     * for beyond it, valid for {@link #validFor}; counts its steps and what is given back.
     */
    private static final class Store implements QuotaState, StateStore {
        final InProcessQuotaState inner = new InProcessQuotaState();
        final AtomicInteger steps = new AtomicInteger();
        final AtomicInteger stepsAskingMore = new AtomicInteger();
        final AtomicInteger grantedMore = new AtomicInteger();
        final AtomicInteger givenBack = new AtomicInteger();
        final AtomicInteger aheadSteps = new AtomicInteger();
        volatile int mostWanted;
        volatile CountDownLatch gate = new CountDownLatch(0);
        volatile CountDownLatch entered = new CountDownLatch(0);
        volatile Duration validFor = Duration.ofSeconds(10);

        @Override
        public Admission admit(List<LimitedParty> parties, Instant now) {
            steps.incrementAndGet();
            return inner.admit(parties, now);
        }

        @Override
        public Grant admitSeveral(List<LimitedParty> parties, int wanted, Instant now) {
            steps.incrementAndGet();
            Admission admission = inner.admit(parties, now);
            if (wanted == 1 || !(admission instanceof Admission.Admitted)) {
                return Grant.single(admission);
            }
            stepsAskingMore.incrementAndGet();
            mostWanted = Math.max(mostWanted, wanted);
            grantedMore.addAndGet(wanted - 1);
            return new Grant(admission, wanted - 1, validFor, 42);
        }

        @Override
        public Grant admitAhead(List<LimitedParty> parties, int wanted, Instant now) {
            aheadSteps.incrementAndGet();
            mostWanted = Math.max(mostWanted, wanted);
            entered.countDown();
            try {
                assertTrue(gate.await(10, TimeUnit.SECONDS), "the test never opened the gate");
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            grantedMore.addAndGet(wanted);
            return new Grant(new Admission.Admitted(inner.standings(parties, now), (tokens, cost, at) -> { }), wanted,
                    validFor, 42);
        }

        @Override
        public void giveBack(List<LimitedParty> parties, Grant grant, int unused) {
            assertEquals(42, grant.countedIn());
            assertTrue(unused >= 1, () -> unused + " given back");
            givenBack.addAndGet(unused);
        }

        @Override
        public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
            inner.settle(parties, tokens, cost, now);
        }

        @Override
        public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                           String settlementId) {
            inner.settle(parties, calls, tokens, cost, now, settlementId);
        }

        @Override
        public List<Standing> standings(List<LimitedParty> parties, Instant now) {
            return inner.standings(parties, now);
        }

        @Override
        public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
            inner.charge(parties, cost, at, chargeId);
        }

        @Override
        public void ping() {
        }
    }

    private final Store store = new Store();
    private StateLink link;
    private SharedQuotaState state;

    @BeforeEach
    void open() {
        link = new StateLink(store, StateFailureMode.OPEN, TimeSource.system(), MetricsPort.none(), Sleeper.system(),
                Duration.ofMillis(10));
        state = SharedQuotaState.settlingAfterAnswers(store, link, 1_000, Duration.ZERO, 64);
    }

    @AfterEach
    void close() {
        state.close();
        link.close();
    }

    private void admitOne() {
        assertInstanceOf(Admission.Admitted.class, state.admit(PARTIES, Instant.now()));
    }

    // About a thousand requests a second until the store is asked for the most at a time (64: an
    // eighth of the previous second's rate, once that is 512 or more).
    private int admitUntilAskedAhead() throws InterruptedException {
        int admitted = 0;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (store.mostWanted < 64) {
            assertTrue(System.nanoTime() < deadline, "never asked for 64 at a time, at most " + store.mostWanted);
            admitOne();
            admitted++;
            Thread.sleep(1);
        }
        return admitted;
    }

    @Test
    void aSteadyRateIsAdmittedAheadAndHandedOutWithoutAStepEach() throws InterruptedException {
        int warm = admitUntilAskedAhead();
        // Until a second's rate was known every request went to the store.
        assertTrue(warm > 64, () -> warm + " admitted before 64 were asked for");
        int stepsBefore = store.steps.get() + store.aheadSteps.get();
        for (int i = 0; i < 640; i++) {
            admitOne();
            Thread.sleep(0, 200_000);
        }
        int steps = store.steps.get() + store.aheadSteps.get() - stepsBefore;
        // At most 64 at a time, as many as an eighth of the last second's rate: far fewer steps than requests.
        assertTrue(steps >= 8 && steps <= 40, () -> steps + " store steps for 640 requests");
    }

    @Test
    void anAllowanceIsRenewedInTheBackgroundBeforeItRunsOut() throws InterruptedException {
        admitUntilAskedAhead();
        int steps = store.steps.get();
        for (int i = 0; i < 640; i++) {
            admitOne();
            Thread.sleep(0, 300_000);
        }
        // Renewed ahead each time a quarter was left: the caller never found it empty.
        assertTrue(store.aheadSteps.get() >= 8, () -> store.aheadSteps.get() + " renewals ahead");
        assertTrue(store.steps.get() - steps <= 1, () -> (store.steps.get() - steps) + " requests asked the store");
    }

    @Test
    void whileARenewalIsUnderWayCallersTakeWhatIsLeftThenWaitForItRatherThanAskTheStore() throws Exception {
        admitUntilAskedAhead();
        store.gate = new CountDownLatch(1);
        store.entered = new CountDownLatch(1);
        int admitted = 0;
        while (store.entered.getCount() > 0) {
            admitOne();
            admitted++;
            assertTrue(admitted < 1_000, "no renewal ahead started");
        }
        // The renewal is held by the store. Eighty callers: what is left of the allowance (three
        // quarters of it, 48 at most) serves some at once, the others wait for the renewal.
        int steps = store.steps.get();
        var callers = new ArrayList<Thread>();
        for (int i = 0; i < 80; i++) {
            callers.add(Thread.ofVirtual().start(this::admitOne));
        }
        Thread.sleep(50);
        assertEquals(steps, store.steps.get(), "callers asked the store while a renewal was under way");
        long waiting = callers.stream().filter(Thread::isAlive).count();
        assertTrue(waiting > 0, "nobody waited: the allowance held 80");
        store.gate.countDown();
        for (Thread caller : callers) {
            caller.join(10_000);
            assertTrue(!caller.isAlive());
        }
        // The waiting callers were served once the renewal ended, as many as it granted from it:
        // when the renewal held was one the warm-up had started, the allowance it renews was
        // already empty, all 80 waited for its 64 and the other 16 then asked the store.
        int asked = store.steps.get() - steps;
        assertTrue(asked < waiting, () -> asked + " of " + waiting + " waiting callers asked the store");
    }

    @Test
    void aCallerSlowerThanSixteenASecondIsNeverAdmittedAhead() throws InterruptedException {
        for (int i = 0; i < 30; i++) {
            admitOne();
            Thread.sleep(80);
        }
        assertEquals(30, store.steps.get());
        assertEquals(0, store.stepsAskingMore.get());
    }

    @Test
    void everyRequestGrantedAheadIsHandedOutOnceOrGivenBack() throws Exception {
        store.validFor = Duration.ofMillis(30);
        AtomicInteger admitted = new AtomicInteger(admitUntilAskedAhead());
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var done = new ArrayList<Future<?>>();
            for (int t = 0; t < 8; t++) {
                done.add(threads.submit(() -> {
                    for (int i = 0; i < 300; i++) {
                        admitOne();
                        admitted.incrementAndGet();
                        if (i % 50 == 0) {
                            Thread.sleep(40);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        state.close();
        int handedOut = admitted.get() - store.steps.get();
        assertTrue(store.givenBack.get() > 0, "allowances outlived their 30 ms and nothing was given back");
        // Every request granted ahead was handed out or given back (on renewal, by the sweep, on close).
        assertEquals(store.grantedMore.get(), handedOut + store.givenBack.get(), () -> "granted "
                + store.grantedMore.get() + ", handed out " + handedOut + ", given back " + store.givenBack.get());
    }

    @Test
    void anAllowanceOfPartiesGoneQuietIsGivenBackByTheSweep() throws InterruptedException {
        store.validFor = Duration.ofMillis(50);
        int handedOut = admitUntilAskedAhead() - store.steps.get();
        int unused = store.grantedMore.get() - handedOut;
        assertTrue(unused >= 63, () -> unused + " unused");
        Await.until(() -> store.givenBack.get() == unused, "the quiet parties' allowance given back");
    }

    @Test
    void closingGivesBackWhatAllowancesHold() throws InterruptedException {
        int admitted = admitUntilAskedAhead() + 1;
        admitOne();
        int handedOut = admitted - store.steps.get();
        state.close();
        assertEquals(store.grantedMore.get() - handedOut, store.givenBack.get());
    }

    @Test
    void anAllowanceIsZeroOrAtLeastTwoRequests() {
        assertThrows(IllegalArgumentException.class,
                () -> SharedQuotaState.settlingAfterAnswers(store, link, 10, Duration.ZERO, 1));
        assertThrows(IllegalArgumentException.class,
                () -> SharedQuotaState.settlingAfterAnswers(store, link, 10, Duration.ZERO, -1));
    }
}
