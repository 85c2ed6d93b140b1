package io.llmclient.application.governance;

import static io.llmclient.application.governance.QuotaFixture.USD;
import static io.llmclient.application.governance.QuotaFixture.budget;
import static io.llmclient.application.governance.QuotaFixture.limits;
import static io.llmclient.application.governance.QuotaFixture.maxParallel;
import static io.llmclient.application.governance.QuotaFixture.rpm;
import static io.llmclient.application.governance.QuotaFixture.soloKey;
import static io.llmclient.application.governance.QuotaFixture.team;
import static io.llmclient.application.governance.QuotaFixture.teamKey;
import static io.llmclient.application.governance.QuotaFixture.tpm;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Principal;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class InProcessQuotaStateTest {
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");

    private final InProcessQuotaState state = new InProcessQuotaState();

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private List<Standing> admitted(List<LimitedParty> parties, Instant now) {
        return switch (state.admit(parties, now)) {
            case Admission.Admitted admitted -> admitted.standings();
            case Admission.Refused refused -> fail("expected admission, refused: " + refused.failure().message());
        };
    }

    private LlmFailure refused(List<LimitedParty> parties, Instant now) {
        return switch (state.admit(parties, now)) {
            case Admission.Admitted admitted -> fail("expected a refusal, admitted");
            case Admission.Refused refused -> refused.failure();
        };
    }

    private Standing standingOf(LimitedParty party, Instant now) {
        return state.standings(List.of(party), now).getFirst();
    }

    @Test
    void aPrincipalWithoutPartiesIsAlwaysAdmitted() {
        for (int i = 0; i < 1000; i++) {
            assertEquals(List.of(), admitted(List.of(), T0));
        }
        assertEquals(List.of(), state.standings(List.of(), T0));
    }

    @Nested
    class Rpm {
        private final List<LimitedParty> key = List.of(soloKey("k", rpm(3)));

        @Test
        void exactlyRpmRequestsAreAdmittedInSixtySecondsAndTheNextWaitsForTheOldest() {
            admitted(key, at(0));
            admitted(key, at(10));
            admitted(key, at(20));
            assertEquals(new QuotaExceeded("k", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(30))),
                    refused(key, at(30)));
            assertEquals(new QuotaExceeded("k", QuotaLimit.RPM, Optional.of(Duration.ofMillis(1))),
                    refused(key, at(60).minusMillis(1)));
        }

        @Test
        void theWindowSlides() {
            admitted(key, at(0));
            admitted(key, at(10));
            admitted(key, at(20));
            admitted(key, at(60));
            assertEquals(new QuotaExceeded("k", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(5))),
                    refused(key, at(65)));
            admitted(key, at(70));
            assertEquals(new QuotaExceeded("k", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(10))),
                    refused(key, at(70)));
        }

        @Test
        void settlingDoesNotGiveBackAnRpmEntry() {
            for (int i = 0; i < 3; i++) {
                admitted(key, at(i));
                state.settle(key, 10, NanoUsd.ZERO, at(i));
            }
            assertInstanceOf(QuotaExceeded.class, refused(key, at(5)));
        }

        @Test
        void keysOfDifferentSlotsDoNotShareWindows() {
            var other = List.of(soloKey("other", rpm(3)));
            for (int i = 0; i < 3; i++) {
                admitted(key, at(0));
            }
            admitted(other, at(0));
        }
    }

    @Nested
    class Tpm {
        private final List<LimitedParty> key = List.of(soloKey("k", tpm(100)));

        @Test
        void belowTheLimitIsAdmittedAtOrAboveIsRefusedUntilTheTokensLeaveTheWindow() {
            admitted(key, at(0));
            state.settle(key, 60, NanoUsd.ZERO, at(0));
            admitted(key, at(1));
            state.settle(key, 39, NanoUsd.ZERO, at(2));
            // 99 tokens in the window: below the limit.
            admitted(key, at(3));
            state.settle(key, 1, NanoUsd.ZERO, at(4));
            // 100: at the limit. Below it again once the 60 of t=0 leave, at t=60.
            assertEquals(new QuotaExceeded("k", QuotaLimit.TPM, Optional.of(Duration.ofSeconds(55))),
                    refused(key, at(5)));
            admitted(key, at(60));
        }

        @Test
        void retryAfterWaitsForAsManyCallsAsItTakesToFallBelow() {
            for (int i = 0; i < 3; i++) {
                admitted(key, at(0));
            }
            for (int i = 0; i < 3; i++) {
                state.settle(key, 50, NanoUsd.ZERO, at(i));
            }
            // 150 in the window: 100 after t=0 leaves (still at the limit), 50 after t=1 leaves.
            assertEquals(new QuotaExceeded("k", QuotaLimit.TPM, Optional.of(Duration.ofSeconds(51))),
                    refused(key, at(10)));
            assertInstanceOf(QuotaExceeded.class, refused(key, at(60)));
            admitted(key, at(61));
        }

        @Test
        void tokensCountWhenTheCallEndsNotWhenItIsAdmitted() {
            admitted(key, at(0));
            admitted(key, at(1));
            state.settle(key, 500, NanoUsd.ZERO, at(30));
            // The 500 entered at t=30, so they leave at t=90.
            assertEquals(new QuotaExceeded("k", QuotaLimit.TPM, Optional.of(Duration.ofSeconds(59))),
                    refused(key, at(31)));
            admitted(key, at(90));
        }
    }

    @Nested
    class MaxParallel {
        private final List<LimitedParty> key = List.of(soloKey("k", maxParallel(2)));

        @Test
        void refusedWithoutRetryAfterWhileTheSlotsAreTakenAndASettleFreesOne() {
            admitted(key, at(0));
            admitted(key, at(0));
            assertEquals(new QuotaExceeded("k", QuotaLimit.MAX_PARALLEL, Optional.empty()), refused(key, at(1)));
            state.settle(key, 0, NanoUsd.ZERO, at(2));
            admitted(key, at(2));
            assertInstanceOf(QuotaExceeded.class, refused(key, at(3)));
        }
    }

    @Nested
    class KeyAndTeam {
        private final LimitedParty team = team("research", rpm(2));
        private final List<LimitedParty> alice = List.of(teamKey("alice", "research", rpm(10)), team);
        private final List<LimitedParty> bob = List.of(teamKey("bob", "research", rpm(10)), team);

        @Test
        void theTeamLimitHitThroughAnotherKeyNamesTheTeam() {
            admitted(alice, at(0));
            admitted(alice, at(1));
            assertEquals(new QuotaExceeded("research", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(58))),
                    refused(bob, at(2)));
        }

        @Test
        void theKeyLimitIsNamedWhenTheKeyIsTheOneOver() {
            var tight = List.of(teamKey("alice", "research", rpm(1)), team);
            admitted(tight, at(0));
            assertEquals(new QuotaExceeded("alice", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(60))),
                    refused(tight, at(0)));
            admitted(bob, at(0));
        }

        @Test
        void aTeamMaxParallelIsSharedByItsKeys() {
            var shared = team("research", maxParallel(1));
            admitted(List.of(teamKey("alice", "research", rpm(10)), shared), at(0));
            assertEquals(new QuotaExceeded("research", QuotaLimit.MAX_PARALLEL, Optional.empty()),
                    refused(List.of(teamKey("bob", "research", rpm(10)), shared), at(0)));
        }
    }

    @Nested
    class Budgets {
        private final List<LimitedParty> key = List.of(soloKey("k", budget(USD, BudgetPeriod.DAILY)));

        @Test
        void refusedOnceTheSpendReachesTheBudget() {
            admitted(key, at(0));
            state.settle(key, 10, new NanoUsd(USD - 1), at(1));
            admitted(key, at(2));
            state.settle(key, 10, new NanoUsd(1), at(3));
            assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.DAILY,
                    Optional.of(Instant.parse("2026-03-11T00:00:00Z"))), refused(key, at(4)));
        }

        @Test
        void overshootIsReportedAsSpent() {
            admitted(key, at(0));
            admitted(key, at(0));
            state.settle(key, 10, new NanoUsd(USD), at(1));
            state.settle(key, 10, new NanoUsd(USD / 2), at(1));
            assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD + USD / 2), BudgetPeriod.DAILY,
                    Optional.of(Instant.parse("2026-03-11T00:00:00Z"))), refused(key, at(2)));
        }

        @Test
        void theSpendStartsFromZeroInTheNextPeriod() {
            admitted(key, at(0));
            state.settle(key, 10, new NanoUsd(2 * USD), at(0));
            Instant beforeMidnight = Instant.parse("2026-03-10T23:59:59.999Z");
            assertInstanceOf(BudgetExceeded.class, refused(key, beforeMidnight));
            Instant midnight = Instant.parse("2026-03-11T00:00:00Z");
            admitted(key, midnight);
            assertEquals(Optional.of(new Standing.Spend(new NanoUsd(USD), NanoUsd.ZERO, BudgetPeriod.DAILY,
                    Optional.of(Instant.parse("2026-03-12T00:00:00Z")))),
                    state.standings(key, midnight).getFirst().budget());
        }

        @Test
        void aTotalBudgetNeverResets() {
            var total = List.of(soloKey("k", budget(USD, BudgetPeriod.TOTAL)));
            admitted(total, at(0));
            state.settle(total, 10, new NanoUsd(USD), at(0));
            assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.TOTAL,
                    Optional.empty()), refused(total, Instant.parse("2030-01-01T00:00:00Z")));
        }

        @Test
        void aTeamBudgetIsSpentByAllItsKeysAndNamesTheTeam() {
            var research = team("research", budget(USD, BudgetPeriod.MONTHLY));
            var alice = List.of(teamKey("alice", "research", rpm(100)), research);
            var bob = List.of(teamKey("bob", "research", budget(10 * USD, BudgetPeriod.DAILY)), research);
            admitted(alice, at(0));
            state.settle(alice, 10, new NanoUsd(USD), at(0));
            assertEquals(new BudgetExceeded("research", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.MONTHLY,
                    Optional.of(Instant.parse("2026-04-01T00:00:00Z"))), refused(bob, at(1)));
        }

        @Test
        void limitsAreCheckedBeforeBudgets() {
            var both = List.of(soloKey("k", limits(1L, null, null, new Budget(new NanoUsd(USD),
                    BudgetPeriod.DAILY))));
            admitted(both, at(0));
            state.settle(both, 10, new NanoUsd(USD), at(0));
            assertInstanceOf(QuotaExceeded.class, refused(both, at(1)));
            assertInstanceOf(BudgetExceeded.class, refused(both, at(60)));
        }

        @Test
        void aTeamLimitComesBeforeTheKeysBudget() {
            var research = team("research", rpm(1));
            var alice = List.of(teamKey("alice", "research", budget(USD, BudgetPeriod.DAILY)), research);
            admitted(alice, at(0));
            state.settle(alice, 10, new NanoUsd(USD), at(0));
            assertEquals(new QuotaExceeded("research", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(59))),
                    refused(alice, at(1)));
        }
    }

    @Nested
    class ARefusedRequestConsumesNothing {

        @Test
        void noRpmEntryAndNoInFlightSlotWhenTheTeamBudgetRefuses() {
            var key = teamKey("alice", "research", limits(1L, null, 1L, null));
            var broke = List.of(key, team("research", budget(0, BudgetPeriod.DAILY)));
            for (int i = 0; i < 5; i++) {
                assertInstanceOf(BudgetExceeded.class, refused(broke, at(0)));
            }
            assertEquals(new Standing(key, Optional.of(new Standing.Window(1, 1, Duration.ZERO)), Optional.empty(),
                    Optional.of(new Standing.InFlight(1, 0)), Optional.empty()), standingOf(key, at(0)));
            // The same key, its team's budget lifted: its one request and one slot are still free.
            admitted(List.of(key, team("research", rpm(10))), at(0));
        }

        @Test
        void noKeyEntryWhenTheTeamLimitRefuses() {
            var key = teamKey("alice", "research", rpm(2));
            var research = team("research", maxParallel(1));
            admitted(List.of(key, research), at(0));
            assertInstanceOf(QuotaExceeded.class, refused(List.of(key, research), at(1)));
            assertInstanceOf(QuotaExceeded.class, refused(List.of(key, research), at(2)));
            assertEquals(Optional.of(new Standing.Window(2, 1, Duration.ofSeconds(58))),
                    standingOf(key, at(2)).requests());
        }

        @Test
        void aRefusedRpmRequestDoesNotPushTheWindowBack() {
            var key = List.of(soloKey("k", rpm(1)));
            admitted(key, at(0));
            for (int i = 1; i < 60; i++) {
                refused(key, at(i));
            }
            admitted(key, at(60));
        }
    }

    @Nested
    class Standings {
        private final LimitedParty research = team("research", limits(5L, 300L, null,
                new Budget(new NanoUsd(100 * USD), BudgetPeriod.MONTHLY)));
        private final LimitedParty alice = teamKey("alice", "research", limits(10L, 1000L, 3L,
                new Budget(new NanoUsd(5 * USD), BudgetPeriod.DAILY)));
        private final List<LimitedParty> parties = List.of(alice, research);

        @Test
        void remainingAndResetPerParty() {
            admitted(parties, at(0));
            admitted(parties, at(10));
            state.settle(parties, 120, new NanoUsd(USD / 4), at(15));
            var standings = state.standings(parties, at(20));
            assertEquals(new Standing(alice,
                    Optional.of(new Standing.Window(10, 8, Duration.ofSeconds(50))),
                    Optional.of(new Standing.Window(1000, 880, Duration.ofSeconds(55))),
                    Optional.of(new Standing.InFlight(3, 1)),
                    Optional.of(new Standing.Spend(new NanoUsd(5 * USD), new NanoUsd(USD / 4), BudgetPeriod.DAILY,
                            Optional.of(Instant.parse("2026-03-11T00:00:00Z"))))), standings.get(0));
            assertEquals(new Standing(research,
                    Optional.of(new Standing.Window(5, 3, Duration.ofSeconds(50))),
                    Optional.of(new Standing.Window(300, 180, Duration.ofSeconds(55))),
                    Optional.empty(),
                    Optional.of(new Standing.Spend(new NanoUsd(100 * USD), new NanoUsd(USD / 4),
                            BudgetPeriod.MONTHLY, Optional.of(Instant.parse("2026-04-01T00:00:00Z"))))),
                    standings.get(1));
        }

        @Test
        void theStandingsOfAnAdmissionIncludeIt() {
            var standings = admitted(parties, at(0));
            assertEquals(Optional.of(new Standing.Window(10, 9, Duration.ofSeconds(60))), standings.get(0).requests());
            assertEquals(Optional.of(new Standing.InFlight(3, 1)), standings.get(0).parallel());
            assertEquals(Optional.of(new Standing.Window(5, 4, Duration.ofSeconds(60))), standings.get(1).requests());
        }

        @Test
        void anEmptyWindowIsWholeAtOnce() {
            admitted(parties, at(0));
            assertEquals(Optional.of(new Standing.Window(10, 10, Duration.ZERO)),
                    state.standings(parties, at(60)).getFirst().requests());
        }

        @Test
        void readingStandingsCountsNothing() {
            var key = List.of(soloKey("k", rpm(1)));
            for (int i = 0; i < 10; i++) {
                state.standings(key, at(0));
            }
            admitted(key, at(0));
        }

        @Test
        void theReportTakesTheTighterOfKeyAndTeamPerDimension() {
            admitted(parties, at(0));
            admitted(parties, at(10));
            state.settle(parties, 120, new NanoUsd(USD / 4), at(15));
            var principal = new Principal("alice", Optional.of("research"), Optional.empty(),
                    new AllowList(List.of("m")), parties);
            var report = QuotaReport.of(principal, state.standings(parties, at(20)));
            // Requests: the team has 3 left, the key 8. Tokens: the team 180, the key 880.
            assertEquals(Optional.of(new Standing.Window(5, 3, Duration.ofSeconds(50))), report.requests());
            assertEquals(Optional.of(new Standing.Window(300, 180, Duration.ofSeconds(55))), report.tokens());
            assertEquals(Optional.of(new Standing.InFlight(3, 1)), report.parallel());
            assertEquals(new NanoUsd(5 * USD), report.budget().orElseThrow().limit());
            assertEquals(new NanoUsd(100 * USD), report.teamBudget().orElseThrow().limit());
        }

        @Test
        void theReportTakesTheKeyWhenItIsTighter() {
            var loose = team("research", rpm(100));
            var tight = teamKey("alice", "research", rpm(2));
            admitted(List.of(tight, loose), at(0));
            var principal = new Principal("alice", Optional.of("research"), Optional.empty(),
                    new AllowList(List.of("m")), List.of(tight, loose));
            var report = QuotaReport.of(principal, state.standings(List.of(tight, loose), at(0)));
            assertEquals(Optional.of(new Standing.Window(2, 1, Duration.ofSeconds(60))), report.requests());
            assertEquals(Optional.empty(), report.tokens());
            assertEquals(Optional.empty(), report.parallel());
            assertEquals(Optional.empty(), report.budget());
            assertEquals(Optional.empty(), report.teamBudget());
        }
    }

    @Nested
    class Concurrency {
        private static final int THREADS = 50;

        private <T> List<T> race(java.util.concurrent.Callable<T> task) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            try {
                var ready = new CountDownLatch(THREADS);
                var go = new CountDownLatch(1);
                var futures = new ArrayList<Future<T>>();
                for (int i = 0; i < THREADS; i++) {
                    futures.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        return task.call();
                    }));
                }
                assertTrue(ready.await(30, TimeUnit.SECONDS));
                go.countDown();
                var results = new ArrayList<T>();
                for (Future<T> future : futures) {
                    results.add(future.get(30, TimeUnit.SECONDS));
                }
                return results;
            } finally {
                pool.shutdownNow();
            }
        }

        @Test
        void maxParallelIsNeverExceeded() throws Exception {
            var key = List.of(soloKey("k", maxParallel(4)));
            var inFlight = new AtomicInteger();
            var highest = new AtomicInteger();
            var admissions = new AtomicInteger();
            race(() -> {
                for (int i = 0; i < 20; i++) {
                    if (state.admit(key, T0) instanceof Admission.Admitted) {
                        highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                        admissions.incrementAndGet();
                        Thread.yield();
                        inFlight.decrementAndGet();
                        state.settle(key, 0, NanoUsd.ZERO, T0);
                    }
                }
                return null;
            });
            assertTrue(highest.get() <= 4, () -> "in flight at once: " + highest.get());
            assertTrue(admissions.get() >= 4, () -> "admitted: " + admissions.get());
            assertEquals(Optional.of(new Standing.InFlight(4, 0)), standingOf(key.getFirst(), T0).parallel());
        }

        @Test
        void withoutSettlesExactlyMaxParallelAreAdmitted() throws Exception {
            var key = List.of(soloKey("k", maxParallel(4)));
            var results = race(() -> state.admit(key, T0) instanceof Admission.Admitted);
            assertEquals(4, results.stream().filter(Boolean::booleanValue).count());
        }

        @Test
        void exactlyRpmAreAdmitted() throws Exception {
            var key = List.of(teamKey("k", "research", rpm(100)), team("research", rpm(20)));
            var results = race(() -> state.admit(key, T0) instanceof Admission.Admitted);
            assertEquals(20, results.stream().filter(Boolean::booleanValue).count());
            assertEquals(Optional.of(new Standing.Window(100, 80, Duration.ofSeconds(60))),
                    standingOf(key.getFirst(), T0).requests());
        }
    }
}
