package io.llmclient.state.redis;

import io.llmclient.state.redis.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.QuotaState;
import io.llmclient.application.governance.Standing;
import io.llmclient.application.testing.QuotaStateContract;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.ScanParams;

/**
 * The quota state contract on a real Redis, and what is Redis's own: windows slide on the
 * server's clock (which a test cannot move: these cases wait and read the retry-after and reset
 * values the server works out), in-flight places expire, keys carry the prefix, the hash tag and
 * a TTL, forgotten scripts are loaded again, a stalled server fails a call within the timeout, and
 * URLs are checked.
 */
class RedisQuotaStateTest extends QuotaStateContract {
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

    @Override
    protected QuotaState state() {
        return state;
    }

    private List<Standing> admitted(List<LimitedParty> parties, Instant at) {
        return admit(parties, at).standings();
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
    void theRpmRetryAfterIsMeasuredOnTheServersClockFromTheOldestAdmission() throws Exception {
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
    void onlyAPartyWithAMaxParallelLimitKeepsACountOfItsCallsInFlight() {
        var key = teamKey("k", "t", maxParallel(3));
        var team = team("t", rpm(100));
        admitted(List.of(key, team));
        // The team has no max-parallel limit: nothing to count, so no key and no Redis calls for it.
        assertEquals("1", admin.get("test:{t}:key:k:inflight"));
        assertFalse(admin.exists("test:{t}:team:t:inflight"));
        state.settle(List.of(key, team), 10, NanoUsd.ZERO, Instant.now());
        assertEquals("0", admin.get("test:{t}:key:k:inflight"));
        assertFalse(admin.exists("test:{t}:team:t:inflight"));
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
    void everyKeyCarriesThePrefixAndTheSlotsHashTagAndAllButTotalSpendExpire() {
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
