package io.llmclient.state.redis;

import io.llmclient.state.redis.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.SharedQuotaState;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * What the issue calls bad input, each against a real redis-server: a read-only replica, keys of
 * another shape under the prefix, replicas whose clocks disagree, and a server frozen by SIGSTOP.
 * Each gets a clear StateUnavailableException (or the right count), never a hang.
 */
class RedisBadInputTest {
    @RegisterExtension
    @Order(1)
    static final RedisServer PRIMARY = new RedisServer();

    @RegisterExtension
    @Order(2)
    static final RedisServer REPLICA = RedisServer.replicaOf(PRIMARY);

    private static final Limits EVERY_LIMIT = new Limits(Optional.of(10L), Optional.of(1000L), Optional.of(5L),
            Optional.of(new Budget(new NanoUsd(1_000_000_000L), BudgetPeriod.DAILY)));

    private static final List<LimitedParty> KEY = List.of(new LimitedParty("k", LimitedParty.Kind.KEY, "k", EVERY_LIMIT));

    private RedisClient admin;
    private RedisStore store;
    private RedisQuotaState state;

    @BeforeEach
    void connect() {
        admin = RedisClient.create(PRIMARY.url());
        admin.flushAll();
        store = new RedisStore(PRIMARY.url(), Duration.ofSeconds(2), 8);
        state = new RedisQuotaState(store, "bad:", Duration.ofMinutes(1));
    }

    @AfterEach
    void disconnect() {
        store.close();
        admin.close();
    }

    @Test
    void aReadOnlyReplicaFailsAdmitAndPingSayingSo() {
        try (var replica = new RedisStore(REPLICA.url(), Duration.ofSeconds(2), 2)) {
            var onReplica = new RedisQuotaState(replica, "bad:", Duration.ofMinutes(1));
            long started = System.nanoTime();
            var admit = assertThrows(StateUnavailableException.class, () -> onReplica.admit(KEY, Instant.now()));
            assertTrue(admit.getMessage().contains("read-only replica"), admit::getMessage);
            var settle = assertThrows(StateUnavailableException.class,
                    () -> onReplica.settle(KEY, 10, new NanoUsd(5), Instant.now()));
            assertTrue(settle.getMessage().contains("read-only replica"), settle::getMessage);
            var ping = assertThrows(StateUnavailableException.class, replica::ping);
            assertTrue(ping.getMessage().contains("read-only replica"), ping::getMessage);
            // Refused at once, not after the timeout.
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "a replica's refusal waited");
        }
    }

    @Test
    void aKeyOfAnotherTypeUnderThePrefixFailsTheCallNamingItAndIsLeftAlone() {
        // The window, which admit, standings and settle all read: a list where a hash belongs.
        admin.rpush("bad:{k}:key:k:window", "left by another program");
        for (var call : List.<Runnable>of(() -> state.admit(KEY, Instant.now()),
                () -> state.standings(KEY, Instant.now()),
                () -> state.settle(KEY, 10, new NanoUsd(5), Instant.now()))) {
            var error = assertThrows(StateUnavailableException.class, call::run);
            assertTrue(error.getMessage().contains("bad:{k}:key:k:window is a list"), error::getMessage);
            assertTrue(error.getMessage().contains("another program or an older version"), error::getMessage);
        }
        assertEquals(List.of("left by another program"), admin.lrange("bad:{k}:key:k:window", 0, -1));
        // Nothing was counted before the check: no in-flight place, no spend.
        assertEquals(false, admin.exists("bad:{k}:key:k:inflight"));
        assertEquals(false, admin.exists("bad:{k}:spend:key:k:total"));
    }

    @Test
    void aForeignKeyFailsItsOwnCallerAloneAndLeavesTheLinkUpForTheOthers() {
        admin.rpush("bad:{k}:key:k:window", "left by another program");
        var other = List.of(new LimitedParty("o", LimitedParty.Kind.KEY, "o", EVERY_LIMIT));
        for (StateFailureMode mode : StateFailureMode.values()) {
            try (var link = new StateLink(store, mode, TimeSource.system(), MetricsPort.none(), Sleeper.system(),
                    Duration.ofMillis(50))) {
                var shared = new SharedQuotaState(state, link);
                if (mode == StateFailureMode.OPEN) {
                    // Admitted from this replica's memory, as in an outage, but for this call only.
                    assertInstanceOf(Admission.Admitted.class, shared.admit(KEY, Instant.now()));
                } else {
                    var refused = assertThrows(StateUnavailableException.class, () -> shared.admit(KEY, Instant.now()));
                    assertTrue(refused.getMessage().contains("bad:{k}:key:k:window is a list"), refused::getMessage);
                }
                assertTrue(link.up(), "one caller's foreign key cut the link for every caller (" + mode + ")");
                assertInstanceOf(Admission.Admitted.class, shared.admit(other, Instant.now()));
            }
        }
        // The other caller was counted in Redis both times: the link never went down.
        assertEquals("2", admin.hget("bad:{o}:key:o:window", "r"));
    }

    @Test
    void aCountThatIsNotANumberFailsTheCallBeforeAnythingIsCounted() {
        admin.set("bad:{k}:key:k:inflight", "many");
        admin.hset("bad:{k}:spend:key:k:total", Map.of("usd", "3"));
        var admit = assertThrows(StateUnavailableException.class, () -> state.admit(KEY, Instant.now()));
        assertTrue(admit.getMessage().contains("bad:{k}:key:k:inflight"), admit::getMessage);
        var charge = assertThrows(StateUnavailableException.class,
                () -> state.charge(KEY, new NanoUsd(5), Instant.now(), "charge-1"));
        assertTrue(charge.getMessage().contains("bad:{k}:spend:key:k:total"), charge::getMessage);
        // Nothing was counted: no window, no charge marker (so the charge can be sent again once fixed).
        assertEquals(false, admin.exists("bad:{k}:key:k:window"));
        assertEquals("many", admin.get("bad:{k}:key:k:inflight"));
        admin.del("bad:{k}:key:k:inflight", "bad:{k}:spend:key:k:total");
        state.charge(KEY, new NanoUsd(5), Instant.now(), "charge-1");
        assertEquals(new NanoUsd(5), state.standings(KEY, Instant.now()).getFirst().budget().orElseThrow().spent());
    }

    @Test
    void admitReadsEveryKeyBeforeCountingSoTheLastOfAnotherShapeStillFailsItWithNothingCounted() {
        // Admit checks keys only when a read fails: the spend, read last, still stops it before
        // anything is counted.
        admin.zadd("bad:{k}:spend:key:k:" + BudgetPeriod.DAILY.periodName(Instant.now()), 1, "not a count");
        var spend = assertThrows(StateUnavailableException.class, () -> state.admit(KEY, Instant.now()));
        assertTrue(spend.getMessage().contains("bad:{k}:spend:key:k:"), spend::getMessage);
        assertEquals(false, admin.exists("bad:{k}:key:k:window"));
        assertEquals(false, admin.exists("bad:{k}:key:k:inflight"));
    }

    @Test
    void theWindowsOfOlderVersionsStillCountUntilTheyExpireAndAreNeverWritten() {
        // Before decision 44 windows were sorted sets (rpm, tpm with a running sum); before decision
        // 43 their members were numbered from {slot}:seq. This version reads the sets and writes neither.
        admin.set("bad:{k}:seq", "41");
        admin.zadd("bad:{k}:key:k:rpm", System.currentTimeMillis(), "41");
        admin.zadd("bad:{k}:key:k:tpm", System.currentTimeMillis(), "40:300");
        admin.set("bad:{k}:key:k:tpm-sum", "300");
        var admitted = assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
        assertEquals(8, admitted.standings().getFirst().requests().orElseThrow().remaining());
        assertEquals(700, admitted.standings().getFirst().tokens().orElseThrow().remaining());
        state.settle(KEY, 50, NanoUsd.ZERO, Instant.now());
        var standing = state.standings(KEY, Instant.now()).getFirst();
        assertEquals(8, standing.requests().orElseThrow().remaining());
        assertEquals(650, standing.tokens().orElseThrow().remaining());
        assertEquals("41", admin.get("bad:{k}:seq"));
        assertEquals(1, admin.zcard("bad:{k}:key:k:rpm"));
        assertEquals(1, admin.zcard("bad:{k}:key:k:tpm"));
        assertEquals("300", admin.get("bad:{k}:key:k:tpm-sum"));
    }

    @Test
    void anOlderVersionsWindowOfAnotherTypeFailsTheCallNamingIt() {
        admin.rpush("bad:{k}:key:k:tpm", "left by another program");
        for (var call : List.<Runnable>of(() -> state.admit(KEY, Instant.now()),
                () -> state.standings(KEY, Instant.now()))) {
            var error = assertThrows(StateUnavailableException.class, call::run);
            assertTrue(error.getMessage().contains("bad:{k}:key:k:tpm is a list"), error::getMessage);
        }
        assertEquals(false, admin.exists("bad:{k}:key:k:window"));
    }

    @Test
    void settleReadsItsSpendKeysBeforeWritingSoOneOfAnotherTypeChangesNothing() {
        assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
        String weekly = "bad:{k}:spend:key:k:" + BudgetPeriod.WEEKLY.periodName(Instant.now());
        admin.hset(weekly, Map.of("usd", "3"));
        var settle = assertThrows(StateUnavailableException.class,
                () -> state.settle(KEY, 10, new NanoUsd(5), Instant.now(), "settlement-1"));
        assertTrue(settle.getMessage().contains(weekly + " is not the count this version writes"), settle::getMessage);
        // The place is still held, no spend counted, and the id not marked: it can be charged later.
        assertEquals("1", admin.get("bad:{k}:key:k:inflight"));
        assertEquals(false, admin.exists("bad:{k}:spend:key:k:" + BudgetPeriod.DAILY.periodName(Instant.now())));
        assertEquals(false, admin.exists("bad:{k}:charge:settlement-1"));
    }

    @Test
    void replicasWhoseClocksDisagreeShareOneWindowOnRedisTime() {
        var key = List.of(new LimitedParty("k", LimitedParty.Kind.KEY, "k",
                new Limits(Optional.of(2L), Optional.empty(), Optional.empty(), Optional.empty())));
        try (var other = new RedisStore(PRIMARY.url(), Duration.ofSeconds(2), 2)) {
            var behind = new RedisQuotaState(store, "bad:", Duration.ofMinutes(1));
            var ahead = new RedisQuotaState(other, "bad:", Duration.ofMinutes(1));
            Instant now = Instant.now();
            Instant later = now.plusSeconds(45);
            assertInstanceOf(Admission.Admitted.class, behind.admit(key, now));
            assertInstanceOf(Admission.Admitted.class, ahead.admit(key, later));
            // Had windows been on each replica's clock, the one 45 s ahead would see the first entry
            // 45 s old and wait 15 s; on Redis's clock both entries are a moment old.
            for (var refusal : List.of(ahead.admit(key, later), behind.admit(key, now))) {
                var exceeded = assertInstanceOf(QuotaExceeded.class,
                        assertInstanceOf(Admission.Refused.class, refusal).failure());
                assertEquals(QuotaLimit.RPM, exceeded.limit());
                assertTrue(exceeded.retryAfter().orElseThrow().compareTo(Duration.ofSeconds(50)) > 0,
                        () -> "retry after " + exceeded.retryAfter());
            }
            assertEquals(0, ahead.standings(key, later).getFirst().requests().orElseThrow().remaining());
        }
    }

    @Test
    void aFrozenRedisFailsTheCallWithinTheTimeoutAndServesAgainOnceResumed() throws Exception {
        try (var quick = new RedisStore(PRIMARY.url(), Duration.ofMillis(200), 2)) {
            var frozen = new RedisQuotaState(quick, "bad:", Duration.ofMinutes(1));
            assertInstanceOf(Admission.Admitted.class, frozen.admit(KEY, Instant.now()));
            PRIMARY.pause();
            try {
                long started = System.nanoTime();
                var error = assertThrows(StateUnavailableException.class, () -> frozen.admit(KEY, Instant.now()));
                long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
                assertTrue(took < 1_000, () -> "a frozen Redis held the call " + took + " ms");
                assertTrue(error.getMessage().contains("did not answer within 200 ms"), error::getMessage);
                assertThrows(StateUnavailableException.class, quick::ping);
            } finally {
                PRIMARY.resume();
            }
            Admission after = null;
            for (int attempt = 0; attempt < 3 && after == null; attempt++) {
                try {
                    after = frozen.admit(KEY, Instant.now());
                } catch (StateUnavailableException brokenConnection) {
                    // The pooled connection the timeout broke fails once at most.
                }
            }
            assertInstanceOf(Admission.Admitted.class, after);
        }
    }
}
