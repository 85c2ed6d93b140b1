package io.llmclient.state.redis;

import io.llmclient.state.redis.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.application.governance.Admission;
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
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * The semantics of InProcessQuotaStateTest, on a real Redis. Windows run on Redis's clock, which a
 * test cannot move: where the in-process test moves time, this one reads the retry-after and reset
 * values the server works out (a window slides by exactly what they say).
 */
class RedisQuotaStateTest {
    private static final long USD = 1_000_000_000L;

    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    private RedisStore store;
    private RedisQuotaState state;
    private RedisClient admin;

    @BeforeEach
    void connect() {
        admin = RedisClient.create(SERVER.url());
        admin.flushAll();
        store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 64);
        state = new RedisQuotaState(store, "test:", Duration.ofMinutes(10));
    }

    @AfterEach
    void disconnect() {
        store.close();
        admin.close();
    }

    private static Limits limits(Long rpm, Long tpm, Long maxParallel, Budget budget) {
        return new Limits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(maxParallel),
                Optional.ofNullable(budget));
    }

    private static Limits rpm(long rpm) {
        return limits(rpm, null, null, null);
    }

    private static Limits budget(long nanos, BudgetPeriod period) {
        return limits(null, null, null, new Budget(new NanoUsd(nanos), period));
    }

    private static LimitedParty soloKey(String id, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.KEY, id, limits);
    }

    private static LimitedParty teamKey(String id, String team, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.KEY, team, limits);
    }

    private static LimitedParty team(String id, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.TEAM, id, limits);
    }

    private List<Standing> admitted(List<LimitedParty> parties, Instant now) {
        return switch (state.admit(parties, now)) {
            case Admission.Admitted admitted -> admitted.standings();
            case Admission.Refused refused -> fail("expected admission, refused: " + refused.failure().message());
        };
    }

    private List<Standing> admitted(List<LimitedParty> parties) {
        return admitted(parties, Instant.now());
    }

    private LlmFailure refused(List<LimitedParty> parties, Instant now) {
        return switch (state.admit(parties, now)) {
            case Admission.Admitted admitted -> fail("expected a refusal, admitted");
            case Admission.Refused refused -> refused.failure();
        };
    }

    private LlmFailure refused(List<LimitedParty> parties) {
        return refused(parties, Instant.now());
    }

    private static long retryMillis(LlmFailure failure, QuotaLimit limit) {
        var exceeded = assertInstanceOf(QuotaExceeded.class, failure);
        assertEquals(limit, exceeded.limit());
        return exceeded.retryAfter().orElseThrow().toMillis();
    }

    private static void assertAbout(long expected, long actual, long slack) {
        assertTrue(actual <= expected && actual >= expected - slack,
                () -> "expected " + expected + " ms (less at most " + slack + "), was " + actual);
    }

    @Test
    void aPrincipalWithoutPartiesIsAlwaysAdmitted() {
        assertEquals(List.of(), admitted(List.of()));
        assertEquals(List.of(), state.standings(List.of(), Instant.now()));
    }

    @Test
    void exactlyRpmRequestsAreAdmittedAndTheNextWaitsForTheOldestToLeave() throws Exception {
        var key = List.of(soloKey("k", rpm(3)));
        admitted(key);
        Thread.sleep(300);
        admitted(key);
        admitted(key);
        // The oldest admission leaves 60 s after it was counted: 300 ms of that have passed.
        assertAbout(59_700, retryMillis(refused(key), QuotaLimit.RPM), 500);
        assertEquals(Optional.of(new Standing.Window(3, 0, Duration.ofSeconds(60))).map(Standing.Window::remaining),
                state.standings(key, Instant.now()).getFirst().requests().map(Standing.Window::remaining));
    }

    @Test
    void settlingDoesNotGiveBackAnRpmEntryAndOtherSlotsHaveTheirOwnWindows() {
        var key = List.of(soloKey("k", rpm(2)));
        for (int i = 0; i < 2; i++) {
            admitted(key);
            state.settle(key, 10, NanoUsd.ZERO, Instant.now());
        }
        assertInstanceOf(QuotaExceeded.class, refused(key));
        admitted(List.of(soloKey("other", rpm(2))));
    }

    @Test
    void tpmRefusesAtTheLimitUntilEnoughTokensLeaveTheWindow() throws Exception {
        var key = List.of(soloKey("k", limits(null, 100L, null, null)));
        admitted(key);
        state.settle(key, 60, NanoUsd.ZERO, Instant.now());
        Thread.sleep(300);
        admitted(key);
        state.settle(key, 39, NanoUsd.ZERO, Instant.now());
        // 99 tokens in the window: below the limit.
        admitted(key);
        state.settle(key, 1, NanoUsd.ZERO, Instant.now());
        // 100: at the limit, and below it once the 60 leave (the first of the entries).
        assertAbout(59_700, retryMillis(refused(key), QuotaLimit.TPM), 500);
        var tokens = state.standings(key, Instant.now()).getFirst().tokens().orElseThrow();
        assertEquals(0, tokens.remaining());
        assertAbout(60_000, tokens.resetAfter().toMillis(), 500);
    }

    @Test
    void tpmRetryAfterWaitsForAsManyCallsAsItTakes() throws Exception {
        var key = List.of(soloKey("k", limits(null, 100L, null, null)));
        admitted(key);
        admitted(key);
        admitted(key);
        state.settle(key, 50, NanoUsd.ZERO, Instant.now());
        state.settle(key, 50, NanoUsd.ZERO, Instant.now());
        Thread.sleep(400);
        state.settle(key, 50, NanoUsd.ZERO, Instant.now());
        // 150: 100 after the first leaves (still at the limit), 50 after the second, 400 ms before the third.
        assertAbout(59_600, retryMillis(refused(key), QuotaLimit.TPM), 400);
    }

    @Test
    void maxParallelRefusesWithoutRetryAfterAndASettleFreesAPlace() {
        var key = List.of(soloKey("k", limits(null, null, 2L, null)));
        admitted(key);
        admitted(key);
        assertEquals(new QuotaExceeded("k", QuotaLimit.MAX_PARALLEL, Optional.empty()), refused(key));
        state.settle(key, 0, NanoUsd.ZERO, Instant.now());
        assertEquals(Optional.of(new Standing.InFlight(2, 2)), admitted(key).getFirst().parallel());
        assertInstanceOf(QuotaExceeded.class, refused(key));
    }

    @Test
    void settleNeverTakesTheInFlightCountBelowZero() {
        var key = List.of(soloKey("k", limits(null, null, 1L, null)));
        state.settle(key, 0, NanoUsd.ZERO, Instant.now());
        state.settle(key, 0, NanoUsd.ZERO, Instant.now());
        admitted(key);
        assertInstanceOf(QuotaExceeded.class, refused(key));
    }

    @Test
    void aDeadReplicasInFlightPlacesAreGivenBackByExpiry() throws Exception {
        try (var shortStore = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 4)) {
            var shortLived = new RedisQuotaState(shortStore, "ttl:", Duration.ofSeconds(1));
            var key = List.of(soloKey("k", limits(null, null, 1L, null)));
            assertInstanceOf(Admission.Admitted.class, shortLived.admit(key, Instant.now()));
            assertInstanceOf(Admission.Refused.class, shortLived.admit(key, Instant.now()));
            // The replica that was admitted died without settling: its place expires.
            Thread.sleep(1_300);
            assertInstanceOf(Admission.Admitted.class, shortLived.admit(key, Instant.now()));
        }
    }

    @Test
    void theTeamLimitHitThroughAnotherKeyNamesTheTeamAndTheKeysNameTheKey() {
        var research = team("research", rpm(2));
        admitted(List.of(teamKey("alice", "research", rpm(10)), research));
        admitted(List.of(teamKey("alice", "research", rpm(10)), research));
        var byBob = assertInstanceOf(QuotaExceeded.class, refused(List.of(teamKey("bob", "research", rpm(10)), research)));
        assertEquals("research", byBob.principal());
        var tight = List.of(teamKey("carol", "other", rpm(1)), team("other", rpm(10)));
        admitted(tight);
        assertEquals("carol", assertInstanceOf(QuotaExceeded.class, refused(tight)).principal());
    }

    @Test
    void aTeamMaxParallelIsSharedByItsKeys() {
        var shared = team("research", limits(null, null, 1L, null));
        admitted(List.of(teamKey("alice", "research", rpm(10)), shared));
        assertEquals(new QuotaExceeded("research", QuotaLimit.MAX_PARALLEL, Optional.empty()),
                refused(List.of(teamKey("bob", "research", rpm(10)), shared)));
    }

    @Test
    void aBudgetRefusesOnceSpentWithTheSpendThePeriodAndItsEnd() {
        var key = List.of(soloKey("k", budget(USD, BudgetPeriod.DAILY)));
        Instant now = Instant.now();
        admitted(key, now);
        state.settle(key, 10, new NanoUsd(USD - 1), now);
        admitted(key, now);
        state.settle(key, 10, new NanoUsd(USD / 2), now);
        assertEquals(new BudgetExceeded("k", new NanoUsd(USD), new NanoUsd(USD + USD / 2 - 1), BudgetPeriod.DAILY,
                BudgetPeriod.DAILY.resetsAt(now)), refused(key, now));
        assertEquals(Optional.of(new Standing.Spend(new NanoUsd(USD), new NanoUsd(USD + USD / 2 - 1),
                BudgetPeriod.DAILY, BudgetPeriod.DAILY.resetsAt(now))), state.standings(key, now).getFirst().budget());
    }

    @Test
    void theSpendStartsFromZeroInTheNextPeriodButATotalNeverResets() {
        Instant now = Instant.now();
        var daily = List.of(soloKey("d", budget(USD, BudgetPeriod.DAILY)));
        admitted(daily, now);
        state.settle(daily, 10, new NanoUsd(2 * USD), now);
        assertInstanceOf(BudgetExceeded.class, refused(daily, now));
        Instant tomorrow = BudgetPeriod.DAILY.resetsAt(now).orElseThrow();
        admitted(daily, tomorrow);
        assertEquals(NanoUsd.ZERO, state.standings(daily, tomorrow).getFirst().budget().orElseThrow().spent());

        var total = List.of(soloKey("t", budget(USD, BudgetPeriod.TOTAL)));
        admitted(total, now);
        state.settle(total, 10, new NanoUsd(USD), now);
        assertEquals(new BudgetExceeded("t", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.TOTAL, Optional.empty()),
                refused(total, now.plus(Duration.ofDays(400))));
    }

    @Test
    void aTeamBudgetIsSpentByAllItsKeysAndLimitsComeBeforeBudgets() {
        Instant now = Instant.now();
        var research = team("research", budget(USD, BudgetPeriod.MONTHLY));
        var alice = List.of(teamKey("alice", "research", rpm(100)), research);
        var bob = List.of(teamKey("bob", "research", limits(1L, null, null, new Budget(new NanoUsd(10 * USD),
                BudgetPeriod.DAILY))), research);
        admitted(alice, now);
        state.settle(alice, 10, new NanoUsd(USD), now);
        assertEquals(new BudgetExceeded("research", new NanoUsd(USD), new NanoUsd(USD), BudgetPeriod.MONTHLY,
                BudgetPeriod.MONTHLY.resetsAt(now)), refused(bob, now));
        var tightTeam = team("research", rpm(1));
        // The team's rpm window is empty (its entries are by party and limit): alice's one request fills it.
        admitted(List.of(teamKey("alice", "research", rpm(100)), tightTeam), now);
        assertInstanceOf(QuotaExceeded.class, refused(List.of(teamKey("alice", "research", rpm(100)), tightTeam), now));
    }

    @Test
    void aRefusedRequestConsumesNothing() {
        Instant now = Instant.now();
        var key = teamKey("alice", "research", limits(1L, null, 1L, null));
        var broke = List.of(key, team("research", budget(0, BudgetPeriod.DAILY)));
        for (int i = 0; i < 5; i++) {
            assertInstanceOf(BudgetExceeded.class, refused(broke, now));
        }
        assertEquals(new Standing(key, Optional.of(new Standing.Window(1, 1, Duration.ZERO)), Optional.empty(),
                Optional.of(new Standing.InFlight(1, 0)), Optional.empty()), state.standings(List.of(key), now).getFirst());
        admitted(List.of(key, team("research", rpm(10))), now);
    }

    @Test
    void theStandingsOfAnAdmissionIncludeItAndReadingStandingsCountsNothing() {
        var research = team("research", limits(5L, 300L, null, new Budget(new NanoUsd(100 * USD), BudgetPeriod.MONTHLY)));
        var alice = teamKey("alice", "research", limits(10L, 1000L, 3L, new Budget(new NanoUsd(5 * USD),
                BudgetPeriod.DAILY)));
        var parties = List.of(alice, research);
        for (int i = 0; i < 10; i++) {
            state.standings(parties, Instant.now());
        }
        var standings = admitted(parties);
        assertEquals(Optional.of(new Standing.Window(10, 9, Duration.ofSeconds(60))), standings.get(0).requests());
        assertEquals(Optional.of(new Standing.Window(1000, 1000, Duration.ZERO)), standings.get(0).tokens());
        assertEquals(Optional.of(new Standing.InFlight(3, 1)), standings.get(0).parallel());
        assertEquals(Optional.of(new Standing.Window(5, 4, Duration.ofSeconds(60))), standings.get(1).requests());
        Instant now = Instant.now();
        state.settle(parties, 120, new NanoUsd(USD / 4), now);
        var after = state.standings(parties, now);
        assertEquals(880, after.get(0).tokens().orElseThrow().remaining());
        assertEquals(180, after.get(1).tokens().orElseThrow().remaining());
        assertEquals(Optional.of(new Standing.InFlight(3, 0)), after.get(0).parallel());
        assertEquals(new NanoUsd(USD / 4), after.get(0).budget().orElseThrow().spent());
        assertEquals(new NanoUsd(USD / 4), after.get(1).budget().orElseThrow().spent());
    }

    private <T> List<T> race(Callable<T> task) throws Exception {
        int threads = 50;
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var ready = new CountDownLatch(threads);
            var go = new CountDownLatch(1);
            var futures = new ArrayList<Future<T>>();
            for (int i = 0; i < threads; i++) {
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
    void fiftyThreadsNeverExceedMaxParallel() throws Exception {
        var key = List.of(soloKey("k", limits(null, null, 4L, null)));
        assertEquals(4, race(() -> state.admit(key, Instant.now()) instanceof Admission.Admitted).stream()
                .filter(Boolean::booleanValue).count());
        for (int i = 0; i < 4; i++) {
            state.settle(key, 0, NanoUsd.ZERO, Instant.now());
        }
        var inFlight = new AtomicInteger();
        var highest = new AtomicInteger();
        race(() -> {
            for (int i = 0; i < 10; i++) {
                if (state.admit(key, Instant.now()) instanceof Admission.Admitted) {
                    highest.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                    Thread.yield();
                    inFlight.decrementAndGet();
                    state.settle(key, 0, NanoUsd.ZERO, Instant.now());
                }
            }
            return null;
        });
        assertTrue(highest.get() <= 4, () -> "in flight at once: " + highest.get());
        assertEquals(Optional.of(new Standing.InFlight(4, 0)), state.standings(key, Instant.now()).getFirst().parallel());
    }

    @Test
    void fiftyThreadsGetExactlyRpmAdmissionsOfKeyAndTeam() throws Exception {
        var key = List.of(teamKey("k", "research", rpm(100)), team("research", rpm(20)));
        var results = race(() -> state.admit(key, Instant.now()) instanceof Admission.Admitted);
        assertEquals(20, results.stream().filter(Boolean::booleanValue).count());
        assertEquals(80, state.standings(key, Instant.now()).getFirst().requests().orElseThrow().remaining());
    }

    @Test
    void everyKeyCarriesThePrefixAndTheSlotsHashTagAndAllButTotalSpendExpire() {
        Instant now = Instant.now();
        var research = team("research", limits(5L, 300L, null, new Budget(new NanoUsd(100 * USD), BudgetPeriod.MONTHLY)));
        var alice = List.of(teamKey("alice", "research", limits(10L, 1000L, 3L, null)), research);
        var solo = List.of(soloKey("solo", limits(10L, 1000L, 3L, new Budget(new NanoUsd(USD), BudgetPeriod.TOTAL))));
        admitted(alice, now);
        state.settle(alice, 50, new NanoUsd(10), now);
        admitted(solo, now);
        state.settle(solo, 50, new NanoUsd(10), now);
        var keys = new HashSet<String>();
        String cursor = ScanParams.SCAN_POINTER_START;
        do {
            var page = admin.scan(cursor);
            keys.addAll(page.getResult());
            cursor = page.getCursor();
        } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        assertFalse(keys.isEmpty());
        assertTrue(keys.contains("test:{research}:spend:team:research:" + BudgetPeriod.MONTHLY.periodName(now)), keys::toString);
        assertTrue(keys.contains("test:{solo}:spend:key:solo:total"), keys::toString);
        for (String key : keys) {
            assertTrue(key.startsWith("test:{research}:") || key.startsWith("test:{solo}:"), key);
            long ttl = admin.pttl(key);
            if (key.endsWith(":total")) {
                assertEquals(-1, ttl, key);
            } else {
                assertTrue(ttl > 0, () -> key + " has no TTL: " + ttl);
            }
        }
    }

    @Test
    void aServerThatForgotTheScriptsIsGivenThemAgain() {
        var key = List.of(soloKey("k", rpm(10)));
        admitted(key);
        admin.scriptFlush();
        admitted(key);
        state.settle(key, 1, NanoUsd.ZERO, Instant.now());
        assertEquals(8, state.standings(key, Instant.now()).getFirst().requests().orElseThrow().remaining());
    }

    @Test
    void aRedisThatNeverAnswersFailsTheCallWithinTheTimeout() throws Exception {
        // Accepts connections (the backlog does) and never answers a byte.
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var stalledStore = new RedisStore("redis://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300), 2)) {
            var stalled = new RedisQuotaState(stalledStore, "p:", Duration.ofMinutes(1));
            long start = System.nanoTime();
            assertThrows(RuntimeException.class, () -> stalled.admit(List.of(soloKey("k", rpm(1))), Instant.now()));
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(tookMillis < 2_000, () -> "a stalled Redis held the call " + tookMillis + " ms");
        }
    }

    @Test
    void aUrlThatIsNotRedisIsRefusedWithAClearLine() {
        var wrongScheme = assertThrows(IllegalArgumentException.class,
                () -> new RedisStore("http://localhost:6379", Duration.ofSeconds(1), 1));
        assertTrue(wrongScheme.getMessage().contains("redis://"), wrongScheme.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> new RedisStore("redis://localhost", Duration.ofSeconds(1), 1));
        assertThrows(IllegalArgumentException.class,
                () -> new RedisStore("redis://localhost:6379/x", Duration.ofSeconds(1), 1));
    }
}
