package io.llmclient.application.governance;

import static io.llmclient.application.governance.QuotaFixture.USD;
import static io.llmclient.application.governance.QuotaFixture.limits;
import static io.llmclient.application.governance.QuotaFixture.team;
import static io.llmclient.application.governance.QuotaFixture.teamKey;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.testing.ChargeRecordingMetrics;
import io.llmclient.application.testing.ManualClock;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Price;
import io.llmclient.domain.governance.Prices;
import io.llmclient.domain.governance.Principal;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GovernanceTest {
    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final ModelEntry FREE = ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST);
    private static final Price MINI_PRICE = new Price(400_000_000L, 1_600_000_000L, Optional.of(100_000_000L),
            Optional.empty());
    private static final Usage USAGE = new Usage(1000, 500);
    private static final NanoUsd COST = new NanoUsd(1_200_000L);

    private final ManualClock clock = new ManualClock();
    private final ChargeRecordingMetrics metrics = new ChargeRecordingMetrics();
    private final InProcessQuotaState state = new InProcessQuotaState();
    private final Governance governance = new Governance(GovernancePolicy.open(new AllowList(List.of("m"))), state,
            clock, metrics);
    private final LimitedParty key = teamKey("alice", "research", limits(null, 1_000_000L, 2L,
            new Budget(new NanoUsd(USD), BudgetPeriod.DAILY)));
    private final LimitedParty research = team("research", limits(null, null, null,
            new Budget(new NanoUsd(10 * USD), BudgetPeriod.MONTHLY)));
    private final Caller caller = new Caller(new Principal("alice", Optional.of("research"), Optional.empty(),
            new AllowList(List.of("gpt-4.1-mini", "sim-fast")), List.of(key, research)),
            new Prices(Map.of("gpt-4.1-mini", MINI_PRICE)));

    private Standing keyStanding() {
        return governance.standings(caller).getFirst();
    }

    private Standing teamStanding() {
        return governance.standings(caller).get(1);
    }

    @Nested
    class Admit {

        @Test
        void aTokenCountIsRefusedByRpmOnlyAndCountsTowardIt() {
            var counter = new Caller(new Principal("bob", Optional.of("research"), Optional.empty(),
                    new AllowList(List.of("sim-fast")), List.of(
                    teamKey("bob", "research", limits(2L, 10L, 1L, new Budget(new NanoUsd(1), BudgetPeriod.DAILY))),
                    research)), new Prices(Map.of()));
            // Bob's tpm and budget are spent, and a call holds his one place: calls are refused.
            state.settle(counter.principal().parties(), 20, new NanoUsd(5), clock.now());
            governance.admitCountingRequestsOnly(counter);
            assertThrows(LlmFailureException.class, () -> governance.admit(counter));
            assertThrows(LlmFailureException.class, () -> governance.admit(counter));
            governance.admitCountingRequestsOnly(counter).release();
            var refused = assertThrows(LlmFailureException.class, () -> governance.admitCountingRequestsOnly(counter));
            assertEquals(new QuotaExceeded("bob", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(60))), refused.failure());
            assertEquals(0, governance.standings(counter).getFirst().requests().orElseThrow().remaining());
        }

        @Test
        void anAdmittedRequestTakesASlotAndCarriesItsStandings() {
            Ticket ticket = governance.admit(caller);
            assertEquals(caller, ticket.caller());
            assertEquals(Optional.of(new Standing.InFlight(2, 1)), ticket.standings().getFirst().parallel());
            assertEquals(Optional.of(new Standing.InFlight(2, 1)), keyStanding().parallel());
        }

        @Test
        void aRefusalIsThrownAndConsumesNothing() {
            governance.admit(caller);
            governance.admit(caller);
            var refusal = assertThrows(LlmFailureException.class, () -> governance.admit(caller));
            assertEquals(new QuotaExceeded("alice", QuotaLimit.MAX_PARALLEL, Optional.empty()), refusal.failure());
            assertEquals(Optional.of(new Standing.InFlight(2, 2)), keyStanding().parallel());
        }

        @Test
        void theBudgetIsCheckedAtTheClocksTime() {
            // 625,000 completion tokens at 1.60 USD per million: 1 USD.
            governance.admit(caller).settle(MINI, new Usage(0, 625_000));
            var refusal = assertThrows(LlmFailureException.class, () -> governance.admit(caller));
            assertEquals(new BudgetExceeded("alice", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.DAILY,
                    Optional.of(Instant.parse("2026-01-02T00:00:00Z"))), refusal.failure());
            clock.advance(Duration.ofDays(1));
            governance.admit(caller);
        }

        @Test
        void anonymousAndOpenPolicyAdmitEverything() {
            Caller anonymous = governance.anonymous();
            assertEquals(Principal.ANONYMOUS, anonymous.id());
            for (int i = 0; i < 100; i++) {
                governance.admit(anonymous);
            }
        }
    }

    @Nested
    class TicketSettle {

        @Test
        void settleReturnsTheCostAndChargesKeyAndTeam() {
            Ticket ticket = governance.admit(caller);
            assertEquals(Optional.of(COST), ticket.settle(MINI, USAGE));
            assertEquals(COST, keyStanding().budget().orElseThrow().spent());
            assertEquals(COST, teamStanding().budget().orElseThrow().spent());
            assertEquals(Optional.of(new Standing.InFlight(2, 0)), keyStanding().parallel());
            assertEquals(1_000_000L - 1500, keyStanding().tokens().orElseThrow().remaining());
            assertEquals(List.of("gpt-4.1-mini alice 1200000"), metrics.charged);
        }

        @Test
        void aSecondSettleOrAReleaseChargesNothingAndFreesNoOtherSlot() {
            Ticket first = governance.admit(caller);
            governance.admit(caller);
            first.settle(MINI, USAGE);
            assertEquals(Optional.of(COST), first.settle(MINI, USAGE));
            first.release();
            assertEquals(COST, keyStanding().budget().orElseThrow().spent());
            assertEquals(COST, teamStanding().budget().orElseThrow().spent());
            // The other request still holds its slot.
            assertEquals(Optional.of(new Standing.InFlight(2, 1)), keyStanding().parallel());
            assertEquals(1_000_000L - 1500, keyStanding().tokens().orElseThrow().remaining());
            assertEquals(List.of("gpt-4.1-mini alice 1200000"), metrics.charged);
        }

        @Test
        void releaseGivesBackTheSlotWithoutCharging() {
            Ticket ticket = governance.admit(caller);
            governance.admit(caller);
            ticket.release();
            assertEquals(Optional.of(new Standing.InFlight(2, 1)), keyStanding().parallel());
            assertEquals(NanoUsd.ZERO, keyStanding().budget().orElseThrow().spent());
            assertEquals(1_000_000L, keyStanding().tokens().orElseThrow().remaining());
            ticket.release();
            ticket.settle(MINI, USAGE);
            assertEquals(Optional.of(new Standing.InFlight(2, 1)), keyStanding().parallel());
            assertEquals(NanoUsd.ZERO, keyStanding().budget().orElseThrow().spent());
            assertEquals(List.of(), metrics.charged);
        }

        @Test
        void aModelWithoutAPriceCostsNothingButItsTokensCount() {
            Ticket ticket = governance.admit(caller);
            assertEquals(Optional.empty(), ticket.settle(FREE, USAGE));
            assertEquals(NanoUsd.ZERO, keyStanding().budget().orElseThrow().spent());
            assertEquals(1_000_000L - 1500, keyStanding().tokens().orElseThrow().remaining());
            assertEquals(List.of(), metrics.charged);
        }

        @Test
        void aZeroCostIsNotCountedAsACharge() {
            Ticket ticket = governance.admit(caller);
            assertEquals(Optional.of(NanoUsd.ZERO), ticket.settle(MINI, Usage.ZERO));
            assertEquals(List.of(), metrics.charged);
            assertEquals(Optional.of(new Standing.InFlight(2, 0)), keyStanding().parallel());
        }

        @Test
        void spendIsChargedInThePeriodTheCallEnds() {
            clock.advance(Duration.ofHours(23).plusMinutes(59));
            Ticket ticket = governance.admit(caller);
            clock.advance(Duration.ofMinutes(2));
            ticket.settle(MINI, USAGE);
            assertEquals(Optional.of(Instant.parse("2026-01-03T00:00:00Z")),
                    keyStanding().budget().orElseThrow().resetsAt());
            assertEquals(COST, keyStanding().budget().orElseThrow().spent());
        }
    }

    @Test
    void aReplacedPolicyKeepsSpendAndWindows() {
        governance.admit(caller).settle(MINI, USAGE);
        governance.replace(GovernancePolicy.open(new AllowList(List.of("x"))));
        assertEquals(List.of("x"), governance.anonymous().principal().allowed().models());
        assertEquals(COST, keyStanding().budget().orElseThrow().spent());
    }
}
