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
import io.llmclient.application.state.StateUnavailableException;
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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
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

    /** Windows count in one-second buckets of Redis's clock (decision 44). */
    @Override
    protected Duration windowGranularity() {
        return Duration.ofSeconds(1);
    }

    private List<Standing> admitted(List<LimitedParty> parties, Instant at) {
        return admit(parties, at).standings();
    }

    private static long retryMillis(LlmFailure failure, QuotaLimit limit) {
        var exceeded = assertInstanceOf(QuotaExceeded.class, failure);
        assertEquals(limit, exceeded.limit());
        return exceeded.retryAfter().orElseThrow().toMillis();
    }

    // What an exact log of entries would answer, less the time that passes (slack), and at most a
    // bucket's width more: an entry leaves at the end of its second's bucket.
    private void assertAbout(long expected, long actual, long slack) {
        long bucket = windowGranularity().toMillis();
        assertTrue(actual <= expected + bucket && actual >= expected - slack,
                () -> "expected " + expected + " ms (less at most " + slack + ", more at most " + bucket + "), was "
                        + actual);
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

    // Redis's clock, in whole seconds and in milliseconds.
    private long[] serverSecondAndMillis() {
        var time = (List<?>) admin.eval("return redis.call('TIME')");
        long seconds = Long.parseLong(String.valueOf(time.get(0)));
        long micros = Long.parseLong(String.valueOf(time.get(1)));
        return new long[] {seconds, seconds * 1000 + micros / 1000};
    }

    @Test
    void bucketsThatLeftTheWindowAreTakenOffItsTotalsAndDeleted() {
        long second = serverSecondAndMillis()[0];
        // Written 10 s ago: a bucket of 65 s ago (counted then, not now) and one of 20 s ago.
        admin.hset("test:{k}:key:k:window", Map.of("h", Long.toString(second - 10),
                "r", "5", "t", "140", "rn", Long.toString(second - 20), "tn", Long.toString(second - 20),
                "r" + (second - 65), "3", "t" + (second - 65), "100",
                "r" + (second - 20), "2", "t" + (second - 20), "40"));
        var key = List.of(soloKey("k", limits(10L, 1000L, null, null)));
        var standing = admitted(key).getFirst();
        assertEquals(10 - 3, standing.requests().orElseThrow().remaining());
        assertEquals(1000 - 40, standing.tokens().orElseThrow().remaining());
        // The tokens' newest bucket, 20 s old, leaves in 41 s (its second ends, then 60 s).
        assertAbout(41_000, standing.tokens().orElseThrow().resetAfter().toMillis(), 2_000);
        var window = admin.hgetAll("test:{k}:key:k:window");
        assertFalse(window.containsKey("r" + (second - 65)) || window.containsKey("t" + (second - 65)), window::toString);
        assertEquals("3", window.get("r"));
        assertEquals("40", window.get("t"));
    }

    @Test
    void aWindowWhoseEveryBucketLeftStartsAgainFromZero() {
        long second = serverSecondAndMillis()[0];
        admin.hset("test:{k}:key:k:window", Map.of("h", Long.toString(second - 100),
                "r", "10", "r" + (second - 100), "10"));
        var key = List.of(soloKey("k", rpm(10)));
        assertEquals(9, admitted(key).getFirst().requests().orElseThrow().remaining());
        assertFalse(admin.hexists("test:{k}:key:k:window", "r" + (second - 100)));
    }

    @Test
    void theRetryAfterIsWhenTheOldestBucketsThatMustLeaveHaveLeft() {
        long[] clock = serverSecondAndMillis();
        long second = clock[0];
        // 10 of 10 taken: 6 admitted 50 s ago, 4 admitted 10 s ago. One leaving is enough: the 6
        // leave when their second's bucket does, 11 s from the start of this second.
        admin.hset("test:{k}:key:k:window", Map.of("h", Long.toString(second),
                "r", "10", "rn", Long.toString(second - 10),
                "r" + (second - 50), "6", "r" + (second - 10), "4"));
        long retry = retryMillis(refused(List.of(soloKey("k", rpm(10)))), QuotaLimit.RPM);
        long expected = (second + 11) * 1000 - clock[1];
        assertTrue(retry <= expected && retry > expected - 1_000, () -> "retry after " + retry + ", expected about " + expected);
        // Nothing was counted by the refusal.
        assertEquals("10", admin.hget("test:{k}:key:k:window", "r"));
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
    void aRedisThatNeverAnswersFailsAVirtualThreadsCallWithinTheTimeoutToo() throws Exception {
        // Requests run on virtual threads, whose reads have no socket timeout: the deadline stops them.
        try (var silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             var stalledStore = new RedisStore("redis://127.0.0.1:" + silent.getLocalPort(), Duration.ofMillis(300), 2)) {
            var stalled = new RedisQuotaState(stalledStore, "p:", Duration.ofMinutes(1));
            var failure = new AtomicReference<Throwable>();
            long start = System.nanoTime();
            Thread.ofVirtual().start(() -> {
                try {
                    stalled.admit(List.of(soloKey("k", rpm(1))), Instant.now());
                } catch (Throwable e) {
                    failure.set(e);
                }
            }).join();
            long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            var timedOut = assertInstanceOf(StateUnavailableException.class, failure.get());
            assertTrue(timedOut.getMessage().contains("did not answer within 300 ms (LLM_STATE_TIMEOUT)"),
                    timedOut::getMessage);
            assertTrue(tookMillis < 2_000, () -> "a stalled Redis held the call " + tookMillis + " ms");
            assertFalse(Thread.currentThread().isInterrupted());
        }
    }

    @Test
    void aVirtualThreadStoppedByTheDeadlineLeavesTheOthersTheirConnections() throws Exception {
        var key = List.of(soloKey("k", rpm(1000)));
        var errors = new AtomicInteger();
        var threads = new ArrayList<Thread>();
        for (int i = 0; i < 50; i++) {
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    state.admit(key, Instant.now());
                } catch (RuntimeException e) {
                    errors.incrementAndGet();
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(0, errors.get());
        assertEquals(950, state.standings(key, Instant.now()).getFirst().requests().orElseThrow().remaining());
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
