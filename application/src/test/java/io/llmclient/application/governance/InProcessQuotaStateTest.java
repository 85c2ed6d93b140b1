package io.llmclient.application.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.llmclient.application.testing.QuotaStateContract;
import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Principal;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The quota state contract in process, and what only a state whose clock a test can move shows:
 * windows sliding to the millisecond, and the report built from exact standings.
 */
class InProcessQuotaStateTest extends QuotaStateContract {
    private static final Instant T0 = Instant.parse("2026-03-10T12:00:00Z");

    private final InProcessQuotaState state = new InProcessQuotaState();

    @Override
    protected QuotaState state() {
        return state;
    }

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private List<Standing> admitted(List<LimitedParty> parties, Instant at) {
        return admit(parties, at).standings();
    }

    @Nested
    class Rpm {
        private final List<LimitedParty> key = List.of(soloKey("k", rpm(3)));

        @Test
        void theNextWaitsForTheOldestToTheMillisecond() {
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
        void aRefusedRequestDoesNotPushTheWindowBack() {
            var one = List.of(soloKey("k", rpm(1)));
            admitted(one, at(0));
            for (int i = 1; i < 60; i++) {
                refused(one, at(i));
            }
            admitted(one, at(60));
        }
    }

    @Nested
    class Tpm {
        private final List<LimitedParty> key = List.of(soloKey("k", tpm(100)));

        @Test
        void atTheLimitTheNextWaitsUntilTheTokensLeaveTheWindow() {
            admitted(key, at(0));
            state.settle(key, 60, NanoUsd.ZERO, at(0));
            admitted(key, at(1));
            state.settle(key, 39, NanoUsd.ZERO, at(2));
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
        void tokensEnterTheWindowWhenTheCallEnds() {
            admitted(key, at(0));
            admitted(key, at(1));
            state.settle(key, 500, NanoUsd.ZERO, at(30));
            // The 500 entered at t=30, so they leave at t=90.
            assertEquals(new QuotaExceeded("k", QuotaLimit.TPM, Optional.of(Duration.ofSeconds(59))),
                    refused(key, at(31)));
            admitted(key, at(90));
        }
    }

    @Test
    void aBudgetRefusesOnceTheLimitsWindowHasPassed() {
        var both = List.of(soloKey("k", limits(1L, null, null, new Budget(new NanoUsd(USD), BudgetPeriod.DAILY))));
        admitted(both, at(0));
        state.settle(both, 10, new NanoUsd(USD), at(0));
        assertInstanceOf(QuotaExceeded.class, refused(both, at(1)));
        assertInstanceOf(BudgetExceeded.class, refused(both, at(60)));
    }

    @Nested
    class Standings {
        private final LimitedParty research = team("research", limits(5L, 300L, null,
                new Budget(new NanoUsd(100 * USD), BudgetPeriod.MONTHLY)));
        private final LimitedParty alice = teamKey("alice", "research", limits(10L, 1000L, 3L,
                new Budget(new NanoUsd(5 * USD), BudgetPeriod.DAILY)));
        private final List<LimitedParty> parties = List.of(alice, research);

        @Test
        void eachWindowResetsWhenItsNewestEntryLeaves() {
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
        void anEmptyWindowIsWholeAtOnce() {
            admitted(parties, at(0));
            assertEquals(Optional.of(new Standing.Window(10, 10, Duration.ZERO)),
                    state.standings(parties, at(60)).getFirst().requests());
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
}
