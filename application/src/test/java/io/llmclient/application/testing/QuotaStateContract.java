package io.llmclient.application.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.QuotaState;
import io.llmclient.application.governance.Standing;
import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link QuotaState} does, whatever keeps it: each implementation's test extends this
 * class and hands it an empty state per test. The cases never move time: a shared store measures
 * windows on its own clock, which a test cannot move, so each case calls at one {@code now} (which
 * names the budget periods) and reads the retry-after and reset values the state works out, within
 * the minute of a window. Cases that slide windows belong to each implementation's own test.
 */
public abstract class QuotaStateContract {
    /** One dollar in nano-dollars. */
    protected static final long USD = 1_000_000_000L;

    private static final Duration WINDOW = Duration.ofSeconds(60);

    /** When each case calls the state: the current time, so that a store's spend keys are alive. */
    protected Instant now;

    /** The state under test, empty at the start of each test. */
    protected abstract QuotaState state();

    @BeforeEach
    void fixNow() {
        now = Instant.now();
    }

    // ---- parties

    /** Limits; a null is "no such limit". */
    protected static Limits limits(Long rpm, Long tpm, Long maxParallel, Budget budget) {
        return new Limits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(maxParallel),
                Optional.ofNullable(budget));
    }

    protected static Limits rpm(long rpm) {
        return limits(rpm, null, null, null);
    }

    protected static Limits tpm(long tpm) {
        return limits(null, tpm, null, null);
    }

    protected static Limits maxParallel(long max) {
        return limits(null, null, max, null);
    }

    protected static Limits budget(long nanos, BudgetPeriod period) {
        return limits(null, null, null, new Budget(new NanoUsd(nanos), period));
    }

    /** A key of no team: its own slot. */
    protected static LimitedParty soloKey(String id, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.KEY, id, limits);
    }

    /** A key of {@code team}: the team's slot. */
    protected static LimitedParty teamKey(String id, String team, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.KEY, team, limits);
    }

    protected static LimitedParty team(String id, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.TEAM, id, limits);
    }

    // ---- calls

    protected Admission.Admitted admit(List<LimitedParty> parties, Instant at) {
        return switch (state().admit(parties, at)) {
            case Admission.Admitted admitted -> admitted;
            case Admission.Refused refused -> fail("expected admission, refused: " + refused.failure().message());
        };
    }

    protected List<Standing> admitted(List<LimitedParty> parties) {
        return admit(parties, now).standings();
    }

    protected LlmFailure refused(List<LimitedParty> parties, Instant at) {
        return switch (state().admit(parties, at)) {
            case Admission.Admitted admitted -> fail("expected a refusal, admitted");
            case Admission.Refused refused -> refused.failure();
        };
    }

    protected LlmFailure refused(List<LimitedParty> parties) {
        return refused(parties, now);
    }

    protected void settle(List<LimitedParty> parties, long tokens, long nanos) {
        state().settle(parties, tokens, new NanoUsd(nanos), now);
    }

    protected Standing standing(LimitedParty party) {
        return state().standings(List.of(party), now).getFirst();
    }

    protected NanoUsd spent(LimitedParty party, Instant at) {
        return state().standings(List.of(party), at).getFirst().budget().orElseThrow().spent();
    }

    /**
     * How much longer than the rolling 60 s an entry may stay in a store's windows: the width of its
     * buckets (zero for a store that keeps every entry's time). Retry-after and reset values may be
     * that much longer; a store never counts an entry for less than 60 s.
     */
    protected Duration windowGranularity() {
        return Duration.ZERO;
    }

    /** A refusal by an rpm or tpm window, whose retry-after is when its oldest entries leave: within the minute. */
    protected void assertWindowRefusal(String principal, QuotaLimit limit, LlmFailure failure) {
        var exceeded = assertInstanceOf(QuotaExceeded.class, failure);
        assertEquals(principal, exceeded.principal());
        assertEquals(limit, exceeded.limit());
        assertWithinTheMinute(exceeded.retryAfter().orElseThrow());
    }

    /** A window's standing: its limit and remaining exactly, its reset within the minute (zero when empty). */
    protected void assertWindow(long limit, long remaining, Optional<Standing.Window> window) {
        var actual = window.orElseThrow(() -> new AssertionError("no window"));
        assertEquals(limit, actual.limit(), "limit");
        assertEquals(remaining, actual.remaining(), "remaining");
        if (remaining < limit) {
            assertWithinTheMinute(actual.resetAfter());
        }
    }

    // Time passes on a store's clock between the call and the answer: a few seconds of slack.
    private void assertWithinTheMinute(Duration duration) {
        assertTrue(duration.compareTo(WINDOW.plus(windowGranularity())) <= 0
                        && duration.compareTo(WINDOW.minusSeconds(10)) > 0,
                () -> "expected just under 60 s (and at most " + windowGranularity() + " more), was " + duration);
    }

    /** The standing of a window whose newest entry was counted just now: it resets a whole window later. */
    private void assertJustCounted(long limit, long remaining, Optional<Standing.Window> window) {
        assertWindow(limit, remaining, window);
        Duration reset = window.orElseThrow().resetAfter();
        assertTrue(reset.compareTo(WINDOW) >= 0, () -> "expected at least 60 s, was " + reset);
    }

    // ---- cases

    @Test
    void aPrincipalWithoutPartiesIsAlwaysAdmittedAndHasNoStandings() {
        for (int i = 0; i < 100; i++) {
            assertEquals(List.of(), admitted(List.of()));
        }
        assertEquals(List.of(), state().standings(List.of(), now));
    }

    @Test
    void exactlyRpmRequestsAreAdmittedAndTheNextWaitsForTheOldestToLeave() {
        var key = List.of(soloKey("k", rpm(3)));
        for (int i = 0; i < 3; i++) {
            admitted(key);
        }
        assertWindowRefusal("k", QuotaLimit.RPM, refused(key));
        assertWindow(3, 0, standing(key.getFirst()).requests());
    }

    @Test
    void settlingDoesNotGiveBackAnRpmEntry() {
        var key = List.of(soloKey("k", rpm(2)));
        for (int i = 0; i < 2; i++) {
            admitted(key);
            settle(key, 10, 0);
        }
        assertWindowRefusal("k", QuotaLimit.RPM, refused(key));
    }

    @Test
    void keysOfDifferentSlotsDoNotShareWindows() {
        var key = List.of(soloKey("k", rpm(2)));
        admitted(key);
        admitted(key);
        admitted(List.of(soloKey("other", rpm(2))));
        admitted(List.of(teamKey("k", "a-team", rpm(2)), team("a-team", rpm(2))));
    }

    @Test
    void tokensCountWhenTheCallEndsAndAtTheLimitTheNextCallIsRefused() {
        var key = List.of(soloKey("k", tpm(100)));
        // Admitted calls have used no tokens yet, however many are in flight.
        for (int i = 0; i < 3; i++) {
            admitted(key);
        }
        settle(key, 60, 0);
        settle(key, 39, 0);
        // 99 tokens in the window: below the limit.
        admitted(key);
        settle(key, 1, 0);
        assertWindowRefusal("k", QuotaLimit.TPM, refused(key));
        assertWindow(100, 0, standing(key.getFirst()).tokens());
    }

    @Test
    void maxParallelRefusesWithoutRetryAfterAndASettleFreesOnePlace() {
        var key = List.of(soloKey("k", maxParallel(2)));
        admitted(key);
        admitted(key);
        assertEquals(new QuotaExceeded("k", QuotaLimit.MAX_PARALLEL, Optional.empty()), refused(key));
        settle(key, 0, 0);
        assertEquals(Optional.of(new Standing.InFlight(2, 2)), admitted(key).getFirst().parallel());
        assertInstanceOf(QuotaExceeded.class, refused(key));
    }

    @Test
    void settleNeverTakesTheInFlightCountBelowZero() {
        var key = List.of(soloKey("k", maxParallel(1)));
        settle(key, 0, 0);
        settle(key, 0, 0);
        admitted(key);
        assertInstanceOf(QuotaExceeded.class, refused(key));
    }

    @Test
    void theAdmissionsOwnSettlementGivesItsPlaceBackAndChargesItsCostOnce() {
        var key = soloKey("k", limits(null, 1000L, 1L, new Budget(new NanoUsd(10 * USD), BudgetPeriod.DAILY)));
        var admission = admit(List.of(key), now);
        admission.settlement().settle(50, new NanoUsd(USD), now);
        var after = standing(key);
        assertEquals(Optional.of(new Standing.InFlight(1, 0)), after.parallel());
        assertWindow(1000, 950, after.tokens());
        assertEquals(new NanoUsd(USD), after.budget().orElseThrow().spent());
        admitted(List.of(key));
    }

    @Test
    void theTeamLimitHitThroughAnotherKeyNamesTheTeam() {
        var research = team("research", rpm(2));
        admitted(List.of(teamKey("alice", "research", rpm(10)), research));
        admitted(List.of(teamKey("alice", "research", rpm(10)), research));
        assertWindowRefusal("research", QuotaLimit.RPM, refused(List.of(teamKey("bob", "research", rpm(10)), research)));
    }

    @Test
    void theKeyLimitIsNamedWhenTheKeyIsTheOneOver() {
        var research = team("research", rpm(10));
        var tight = List.of(teamKey("alice", "research", rpm(1)), research);
        admitted(tight);
        assertWindowRefusal("alice", QuotaLimit.RPM, refused(tight));
        admitted(List.of(teamKey("bob", "research", rpm(10)), research));
    }

    @Test
    void aTeamMaxParallelIsSharedByItsKeys() {
        var shared = team("research", maxParallel(1));
        admitted(List.of(teamKey("alice", "research", rpm(10)), shared));
        assertEquals(new QuotaExceeded("research", QuotaLimit.MAX_PARALLEL, Optional.empty()),
                refused(List.of(teamKey("bob", "research", rpm(10)), shared)));
    }

    @Test
    void aBudgetRefusesOnceTheSpendReachesItWithTheSpendThePeriodAndItsEnd() {
        var key = List.of(soloKey("k", budget(USD, BudgetPeriod.DAILY)));
        admitted(key);
        settle(key, 10, USD - 1);
        admitted(key);
        settle(key, 10, 1);
        assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.DAILY,
                BudgetPeriod.DAILY.resetsAt(now)), refused(key));
        assertEquals(Optional.of(new Standing.Spend(new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.DAILY,
                BudgetPeriod.DAILY.resetsAt(now))), standing(key.getFirst()).budget());
    }

    @Test
    void overshootIsReportedAsSpent() {
        var key = List.of(soloKey("k", budget(USD, BudgetPeriod.WEEKLY)));
        admitted(key);
        admitted(key);
        settle(key, 10, USD);
        settle(key, 10, USD / 2);
        assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD + USD / 2), BudgetPeriod.WEEKLY,
                BudgetPeriod.WEEKLY.resetsAt(now)), refused(key));
    }

    @Test
    void theSpendStartsFromZeroInTheNextPeriod() {
        var key = List.of(soloKey("k", budget(USD, BudgetPeriod.DAILY)));
        admitted(key);
        settle(key, 10, 2 * USD);
        assertInstanceOf(BudgetExceeded.class, refused(key));
        Instant tomorrow = BudgetPeriod.DAILY.resetsAt(now).orElseThrow();
        admit(key, tomorrow);
        assertEquals(NanoUsd.ZERO, spent(key.getFirst(), tomorrow));
    }

    @Test
    void aTotalBudgetNeverResets() {
        var total = List.of(soloKey("k", budget(USD, BudgetPeriod.TOTAL)));
        admitted(total);
        settle(total, 10, USD);
        assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.TOTAL, Optional.empty()),
                refused(total, now.plus(Duration.ofDays(400))));
    }

    @Test
    void aTeamBudgetIsSpentByAllItsKeysAndNamesTheTeam() {
        var research = team("research", budget(USD, BudgetPeriod.MONTHLY));
        var alice = List.of(teamKey("alice", "research", rpm(100)), research);
        var bob = List.of(teamKey("bob", "research", budget(10 * USD, BudgetPeriod.DAILY)), research);
        admitted(alice);
        settle(alice, 10, USD);
        assertEquals(new BudgetExceeded("research", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.MONTHLY,
                BudgetPeriod.MONTHLY.resetsAt(now)), refused(bob));
    }

    @Test
    void limitsAreCheckedBeforeBudgets() {
        var both = List.of(soloKey("k", limits(1L, null, null, new Budget(new NanoUsd(USD), BudgetPeriod.DAILY))));
        admitted(both);
        settle(both, 10, USD);
        assertWindowRefusal("k", QuotaLimit.RPM, refused(both));
    }

    @Test
    void aTeamLimitComesBeforeTheKeysBudget() {
        var research = team("research", rpm(1));
        var alice = List.of(teamKey("alice", "research", budget(USD, BudgetPeriod.DAILY)), research);
        admitted(alice);
        settle(alice, 10, USD);
        assertWindowRefusal("research", QuotaLimit.RPM, refused(alice));
    }

    @Test
    void aRefusalByTheTeamBudgetTakesNoRpmEntryAndNoInFlightPlace() {
        var key = teamKey("alice", "research", limits(1L, null, 1L, null));
        var broke = List.of(key, team("research", budget(0, BudgetPeriod.DAILY)));
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(BudgetExceeded.class, refused(broke));
        }
        var standing = standing(key);
        assertWindow(1, 1, standing.requests());
        assertEquals(Optional.of(new Standing.InFlight(1, 0)), standing.parallel());
        // The same key, its team's budget lifted: its one request and one place are still free.
        admitted(List.of(key, team("research", rpm(10))));
    }

    @Test
    void aRefusalByTheTeamLimitTakesNothingFromTheKey() {
        var key = teamKey("alice", "research", rpm(3));
        var research = team("research", maxParallel(1));
        admitted(List.of(key, research));
        assertInstanceOf(QuotaExceeded.class, refused(List.of(key, research)));
        assertInstanceOf(QuotaExceeded.class, refused(List.of(key, research)));
        assertWindow(3, 2, standing(key).requests());
    }

    @Test
    void standingsGiveWhatRemainsPerParty() {
        var research = team("research", limits(5L, 300L, null, new Budget(new NanoUsd(100 * USD), BudgetPeriod.MONTHLY)));
        var alice = teamKey("alice", "research", limits(10L, 1000L, 3L, new Budget(new NanoUsd(5 * USD),
                BudgetPeriod.DAILY)));
        var parties = List.of(alice, research);
        admitted(parties);
        admitted(parties);
        settle(parties, 120, USD / 4);
        var standings = state().standings(parties, now);
        assertEquals(alice, standings.get(0).party());
        assertWindow(10, 8, standings.get(0).requests());
        assertWindow(1000, 880, standings.get(0).tokens());
        assertEquals(Optional.of(new Standing.InFlight(3, 1)), standings.get(0).parallel());
        assertEquals(Optional.of(new Standing.Spend(new NanoUsd(5 * USD), new NanoUsd(USD / 4), BudgetPeriod.DAILY,
                BudgetPeriod.DAILY.resetsAt(now))), standings.get(0).budget());
        assertEquals(research, standings.get(1).party());
        assertWindow(5, 3, standings.get(1).requests());
        assertWindow(300, 180, standings.get(1).tokens());
        assertEquals(Optional.empty(), standings.get(1).parallel());
        assertEquals(Optional.of(new Standing.Spend(new NanoUsd(100 * USD), new NanoUsd(USD / 4),
                BudgetPeriod.MONTHLY, BudgetPeriod.MONTHLY.resetsAt(now))), standings.get(1).budget());
    }

    @Test
    void theStandingsOfAnAdmissionIncludeIt() {
        var research = team("research", rpm(5));
        var alice = teamKey("alice", "research", limits(10L, 1000L, 3L, new Budget(new NanoUsd(USD), BudgetPeriod.DAILY)));
        state().charge(List.of(alice), new NanoUsd(7), now, "charge-before");
        var standings = admitted(List.of(alice, research));
        assertEquals(new NanoUsd(7), standings.get(0).budget().orElseThrow().spent());
        assertEquals(Optional.empty(), standings.get(1).budget());
        assertJustCounted(10, 9, standings.get(0).requests());
        assertEquals(Optional.of(new Standing.Window(1000, 1000, Duration.ZERO)), standings.get(0).tokens());
        assertEquals(Optional.of(new Standing.InFlight(3, 1)), standings.get(0).parallel());
        assertJustCounted(5, 4, standings.get(1).requests());
    }

    @Test
    void readingStandingsCountsNothing() {
        var key = List.of(soloKey("k", limits(1L, null, 1L, null)));
        for (int i = 0; i < 10; i++) {
            state().standings(key, now);
        }
        admitted(key);
    }

    @Test
    void aChargeAddsToTheSpendOnceById() {
        var research = team("research", budget(100 * USD, BudgetPeriod.TOTAL));
        var alice = teamKey("alice", "research", budget(10 * USD, BudgetPeriod.DAILY));
        var parties = List.of(alice, research);
        state().charge(parties, new NanoUsd(USD), now, "charge-1");
        state().charge(parties, new NanoUsd(USD), now, "charge-1");
        assertEquals(new NanoUsd(USD), spent(alice, now));
        assertEquals(new NanoUsd(USD), spent(research, now));
        state().charge(parties, new NanoUsd(2 * USD), now, "charge-2");
        assertEquals(new NanoUsd(3 * USD), spent(alice, now));
        assertEquals(new NanoUsd(3 * USD), spent(research, now));
    }

    @Test
    void aChargeLeavesWindowsAndInFlightCountsAlone() {
        var key = soloKey("k", limits(1L, 10L, 1L, new Budget(new NanoUsd(10 * USD), BudgetPeriod.DAILY)));
        state().charge(List.of(key), new NanoUsd(USD), now, "charge-1");
        var standing = standing(key);
        assertWindow(1, 1, standing.requests());
        assertWindow(10, 10, standing.tokens());
        assertEquals(Optional.of(new Standing.InFlight(1, 0)), standing.parallel());
        admitted(List.of(key));
    }

    @Test
    void aLateChargeOfAPeriodAlreadyOverDoesNotCountInTheCurrentOne() {
        var daily = soloKey("d", budget(10 * USD, BudgetPeriod.DAILY));
        var total = soloKey("t", budget(10 * USD, BudgetPeriod.TOTAL));
        admitted(List.of(daily));
        settle(List.of(daily), 0, USD);
        Instant yesterday = now.minus(Duration.ofDays(1));
        state().charge(List.of(daily), new NanoUsd(5 * USD), yesterday, "late-daily");
        state().charge(List.of(total), new NanoUsd(5 * USD), yesterday, "late-total");
        assertEquals(new NanoUsd(USD), spent(daily, now));
        // A total never ends: a late charge still counts in it.
        assertEquals(new NanoUsd(5 * USD), spent(total, now));
    }

    @Test
    void aSettlementOfSeveralCallsFreesTheirPlacesAndCountsTheirSumsOncePerId() {
        var team = team("t", limits(null, 1000L, 5L, new Budget(new NanoUsd(10 * USD), BudgetPeriod.WEEKLY)));
        var key = teamKey("k", "t", limits(null, 500L, 4L, new Budget(new NanoUsd(10 * USD), BudgetPeriod.DAILY)));
        var parties = List.of(key, team);
        for (int i = 0; i < 4; i++) {
            admitted(parties);
        }
        state().settle(parties, 3, 120, new NanoUsd(3 * USD), now, "batch-1");
        state().settle(parties, 3, 120, new NanoUsd(3 * USD), now, "batch-1");
        state().charge(parties, new NanoUsd(3 * USD), now, "batch-1");
        var standings = state().standings(parties, now);
        assertEquals(Optional.of(new Standing.InFlight(4, 1)), standings.get(0).parallel());
        assertEquals(Optional.of(new Standing.InFlight(5, 1)), standings.get(1).parallel());
        assertWindow(500, 380, standings.get(0).tokens());
        assertWindow(1000, 880, standings.get(1).tokens());
        assertEquals(new NanoUsd(3 * USD), standings.get(0).budget().orElseThrow().spent());
        assertEquals(new NanoUsd(3 * USD), standings.get(1).budget().orElseThrow().spent());
    }

    @Test
    void aSettlementOfMoreCallsThanAreInFlightStopsAtZeroAndOfNoCallIsRefused() {
        var key = List.of(soloKey("k", maxParallel(2)));
        admitted(key);
        state().settle(key, 5, 0, NanoUsd.ZERO, now, "batch-2");
        assertEquals(Optional.of(new Standing.InFlight(2, 0)), standing(key.getFirst()).parallel());
        assertThrows(IllegalArgumentException.class, () -> state().settle(key, 0, 0, NanoUsd.ZERO, now, "batch-3"));
    }

    @Test
    void aSettlementCountsOncePerIdAndAChargeUnderItsIdAddsNothing() {
        var key = soloKey("k", limits(null, 1000L, 2L, new Budget(new NanoUsd(10 * USD), BudgetPeriod.DAILY)));
        admitted(List.of(key));
        admitted(List.of(key));
        state().settle(List.of(key), 100, new NanoUsd(USD), now, "settlement-1");
        state().settle(List.of(key), 100, new NanoUsd(USD), now, "settlement-1");
        state().charge(List.of(key), new NanoUsd(USD), now, "settlement-1");
        var standing = standing(key);
        assertEquals(Optional.of(new Standing.InFlight(2, 1)), standing.parallel());
        assertWindow(1000, 900, standing.tokens());
        assertEquals(new NanoUsd(USD), standing.budget().orElseThrow().spent());
    }

    @Test
    void aChargeUnderTheIdOfASettlementThatNeverArrivedCountsForEveryPartyAndTheLateSettlementNot() {
        var alice = teamKey("alice", "research", budget(10 * USD, BudgetPeriod.DAILY));
        var research = team("research", budget(10 * USD, BudgetPeriod.TOTAL));
        var parties = List.of(alice, research);
        state().charge(parties, new NanoUsd(USD), now, "settlement-lost");
        state().settle(parties, 0, new NanoUsd(USD), now, "settlement-lost");
        assertEquals(new NanoUsd(USD), spent(alice, now));
        assertEquals(new NanoUsd(USD), spent(research, now));
    }

    // ---- concurrency

    private static final int THREADS = 50;

    /** Runs {@code task} on 50 threads released at once; their results. */
    protected static <T> List<T> race(Callable<T> task) throws Exception {
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
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
                results.add(future.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }

    @Test
    void fiftyThreadsNeverHaveMoreThanMaxParallelInFlight() throws Exception {
        var key = List.of(soloKey("k", maxParallel(4)));
        var inFlight = new AtomicInteger();
        var highest = new AtomicInteger();
        var admissions = new AtomicInteger();
        race(() -> {
            for (int i = 0; i < 10; i++) {
                if (state().admit(key, now) instanceof Admission.Admitted) {
                    highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    admissions.incrementAndGet();
                    Thread.yield();
                    inFlight.decrementAndGet();
                    state().settle(key, 0, NanoUsd.ZERO, now);
                }
            }
            return null;
        });
        assertTrue(highest.get() <= 4, () -> "in flight at once: " + highest.get());
        assertTrue(admissions.get() >= 4, () -> "admitted: " + admissions.get());
        assertEquals(Optional.of(new Standing.InFlight(4, 0)), standing(key.getFirst()).parallel());
    }

    @Test
    void fiftyThreadsThatDoNotSettleGetExactlyMaxParallel() throws Exception {
        var key = List.of(soloKey("k", maxParallel(4)));
        var results = race(() -> state().admit(key, now) instanceof Admission.Admitted);
        assertEquals(4, results.stream().filter(Boolean::booleanValue).count());
        assertEquals(Optional.of(new Standing.InFlight(4, 4)), standing(key.getFirst()).parallel());
    }

    @Test
    void fiftyThreadsGetExactlyTheRpmOfTheTeamAndTheKeyCountsOnlyThose() throws Exception {
        var key = List.of(teamKey("k", "research", rpm(100)), team("research", rpm(20)));
        var results = race(() -> state().admit(key, now) instanceof Admission.Admitted);
        assertEquals(20, results.stream().filter(Boolean::booleanValue).count());
        assertWindow(100, 80, standing(key.getFirst()).requests());
        assertWindow(20, 0, standing(key.get(1)).requests());
    }
}
