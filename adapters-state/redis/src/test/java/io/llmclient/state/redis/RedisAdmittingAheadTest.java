package io.llmclient.state.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.Grant;
import io.llmclient.application.governance.SharedQuotaState;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.state.redis.testing.RedisServer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClient;

/**
 * Admitting ahead on a real Redis (decision 47): how many requests one admit step grants (room to
 * spare in every party: counts within half their limit, at most a 64th of it at once, tpm and
 * budget at most half used), that they are all counted at once in the second's bucket and the
 * in-flight count, and that giving back takes the unused off both again.
 */
class RedisAdmittingAheadTest {
    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    private RedisStore store;
    private RedisQuotaState state;
    private RedisClient admin;

    @BeforeEach
    void connect() {
        admin = RedisClient.create(SERVER.url());
        admin.flushAll();
        try (var stats = new Jedis("127.0.0.1", SERVER.port())) {
            stats.configResetStat();
        }
        store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 8);
        state = new RedisQuotaState(store, "ahead:", Duration.ofMinutes(10));
    }

    @AfterEach
    void disconnect() {
        store.close();
        admin.close();
    }

    private static Limits limits(Long rpm, Long tpm, Long maxParallel, Long budgetNanos) {
        return new Limits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(maxParallel),
                Optional.ofNullable(budgetNanos).map(nanos -> new Budget(new NanoUsd(nanos), BudgetPeriod.DAILY)));
    }

    private static LimitedParty key(Limits limits) {
        return new LimitedParty("k", LimitedParty.Kind.KEY, "t", limits);
    }

    private static LimitedParty team(Limits limits) {
        return new LimitedParty("t", LimitedParty.Kind.TEAM, "t", limits);
    }

    // Early in a second of Redis's clock: the requests ahead count in this second (not the next).
    private long earlyInASecond() throws InterruptedException {
        while (true) {
            var time = (List<?>) admin.eval("return redis.call('TIME')");
            long micros = Long.parseLong(String.valueOf(time.get(1)));
            if (micros < 700_000) {
                return Long.parseLong(String.valueOf(time.get(0)));
            }
            Thread.sleep((1_000_000 - micros) / 1000 + 1);
        }
    }

    private Grant grant(List<LimitedParty> parties, int wanted) {
        Grant grant = state.admitSeveral(parties, wanted, Instant.now());
        assertInstanceOf(Admission.Admitted.class, grant.admission());
        return grant;
    }

    @Test
    void partiesWithRoomToSpareAreGrantedWhatWasAskedAndCountedAtOnce() throws Exception {
        var parties = List.of(key(limits(6_400L, 1_000_000L, 6_400L, 1_000_000L)), team(limits(12_800L, null, null, null)));
        long second = earlyInASecond();
        Grant grant = grant(parties, 64);
        assertEquals(63, grant.more());
        assertTrue(grant.countedIn() == second || grant.countedIn() == second + 1, () -> "counted in " + grant.countedIn());
        long valid = grant.validFor().toMillis();
        assertTrue(valid >= 50 && valid <= 950, () -> "valid for " + valid + " ms");
        var window = admin.hgetAll("ahead:{t}:key:k:window");
        assertEquals("64", window.get("r"));
        assertEquals("64", window.get("r" + grant.countedIn()));
        assertEquals("64", admin.hget("ahead:{t}:team:t:window", "r"));
        assertEquals("64", admin.get("ahead:{t}:key:k:inflight"));
        var standing = ((Admission.Admitted) grant.admission()).standings().getFirst();
        assertEquals(6_400 - 64, standing.requests().orElseThrow().remaining());
        assertEquals(64, standing.parallel().orElseThrow().inUse());
    }

    @Test
    void nearTheEndOfASecondTheRequestsAheadCountInTheNextOne() throws Exception {
        var parties = List.of(key(limits(6_400L, null, null, null)));
        long second = lateInASecond();
        Grant grant = grant(parties, 64);
        assertEquals(63, grant.more());
        assertEquals(second + 1, grant.countedIn());
        long valid = grant.validFor().toMillis();
        assertTrue(valid > 950 && valid <= 1_150, () -> "valid for " + valid + " ms");
        var window = admin.hgetAll("ahead:{t}:key:k:window");
        assertEquals("64", window.get("r"));
        assertEquals("1", window.get("r" + second));
        assertEquals("63", window.get("r" + (second + 1)));
        // The next second's admission finds them in its own bucket.
        Thread.sleep(300);
        grant(parties, 1);
        assertEquals("64", admin.hget("ahead:{t}:key:k:window", "r" + (second + 1)));
        assertEquals("65", admin.hget("ahead:{t}:key:k:window", "r"));
    }

    @Test
    void aBucketOfTheSecondAfterTheLastWriteCountsUntilItLeaves() throws Exception {
        long second = earlyInASecond();
        // Last written 61 s ago, with requests admitted ahead into the second after: those still count.
        admin.hset("ahead:{t}:key:k:window", Map.of("h", Long.toString(second - 61), "r", "5",
                "r" + (second - 60), "5"));
        grant(List.of(key(limits(6_400L, null, null, null))), 1);
        assertEquals("6", admin.hget("ahead:{t}:key:k:window", "r"));
    }

    // Under 200 ms of Redis's second left.
    private long lateInASecond() throws InterruptedException {
        while (true) {
            var time = (List<?>) admin.eval("return redis.call('TIME')");
            long micros = Long.parseLong(String.valueOf(time.get(1)));
            if (micros > 850_000 && micros < 950_000) {
                return Long.parseLong(String.valueOf(time.get(0)));
            }
            Thread.sleep(micros < 850_000 ? (850_000 - micros) / 1000 + 5 : (1_850_000 - micros) / 1000 + 5);
        }
    }

    @Test
    void aheadOnlyCountsTheRequestsAheadOrNothing() throws Exception {
        var parties = List.of(key(limits(6_400L, null, 6_400L, null)), team(limits(12_800L, null, null, null)));
        long second = earlyInASecond();
        Grant grant = state.admitAhead(parties, 64, Instant.now());
        assertEquals(64, grant.more());
        assertEquals(second, grant.countedIn());
        assertEquals("64", admin.hget("ahead:{t}:key:k:window", "r"));
        assertEquals("64", admin.hget("ahead:{t}:key:k:window", "r" + second));
        assertEquals("64", admin.get("ahead:{t}:key:k:inflight"));
        // rpm 100: a 64th is one, no room for two ahead: nothing granted, nothing counted.
        var small = List.of(new LimitedParty("s", LimitedParty.Kind.KEY, "s", limits(100L, null, 100L, null)));
        Grant none = state.admitAhead(small, 64, Instant.now());
        assertEquals(0, none.more());
        assertInstanceOf(Admission.Admitted.class, none.admission());
        assertEquals(false, admin.exists("ahead:{s}:key:s:window"));
        assertEquals(false, admin.exists("ahead:{s}:key:s:inflight"));
        // At the limit: refused, nothing counted.
        admin.hset("ahead:{s}:key:s:window", Map.of("h", Long.toString(second), "r", "100", "r" + second, "100"));
        assertInstanceOf(Admission.Refused.class, state.admitAhead(small, 64, Instant.now()).admission());
        assertEquals("100", admin.hget("ahead:{s}:key:s:window", "r"));
        assertThrows(IllegalArgumentException.class, () -> state.admitAhead(parties, 1, Instant.now()));
    }

    @Test
    void noPartyIsGrantedMoreThanA64thOfALimitNorPastHalfOfIt() throws Exception {
        earlyInASecond();
        // A 64th of 640 is 10.
        assertEquals(9, grant(List.of(key(limits(640L, null, null, null))), 64).more());
        // 312 of 640 counted: 10 more would pass half (320), so the grant stops at it.
        admin.hset("ahead:{t}:key:k:window", "r", "312");
        assertEquals(7, grant(List.of(key(limits(640L, null, null, null))), 64).more());
        assertEquals("320", admin.hget("ahead:{t}:key:k:window", "r"));
        // At half: the asking request alone.
        assertEquals(0, grant(List.of(key(limits(640L, null, null, null))), 64).more());
        assertEquals("321", admin.hget("ahead:{t}:key:k:window", "r"));
        // A max-parallel limit of 320: a 64th is 5.
        assertEquals(4, grant(List.of(new LimitedParty("p", LimitedParty.Kind.KEY, "p", limits(null, null, 320L, null))),
                64).more());
    }

    @Test
    void smallLimitsTpmOrBudgetPastHalfAndASingleAskGrantNothingMore() throws Exception {
        earlyInASecond();
        // rpm 100: a 64th is one request, the asking one.
        assertEquals(0, grant(List.of(key(limits(100L, null, null, null))), 64).more());
        assertEquals("1", admin.hget("ahead:{t}:key:k:window", "r"));
        // Asked for one.
        var roomy = List.of(new LimitedParty("r", LimitedParty.Kind.KEY, "r", limits(1_000_000L, null, null, null)));
        assertEquals(0, grant(roomy, 1).more());
        // tpm more than half used.
        var tokens = List.of(new LimitedParty("x", LimitedParty.Kind.KEY, "x", limits(1_000_000L, 1_000L, null, null)));
        grant(tokens, 1);
        state.settle(tokens, 501, NanoUsd.ZERO, Instant.now());
        assertEquals(0, grant(tokens, 64).more());
        // Budget more than half spent.
        var spend = List.of(new LimitedParty("y", LimitedParty.Kind.KEY, "y", limits(1_000_000L, null, null, 1_000L)));
        grant(spend, 1);
        state.settle(spend, 0, new NanoUsd(501), Instant.now());
        assertEquals(0, grant(spend, 64).more());
        // Half spent exactly is still room: the rule is "at most half".
        var half = List.of(new LimitedParty("z", LimitedParty.Kind.KEY, "z", limits(1_000_000L, null, null, 1_000L)));
        grant(half, 1);
        state.settle(half, 0, new NanoUsd(500), Instant.now());
        earlyInASecond();
        assertEquals(63, grant(half, 64).more());
    }

    @Test
    void givingBackTakesTheUnusedOffTheSecondsBucketAndThePlaces() throws Exception {
        var parties = List.of(key(limits(6_400L, null, 6_400L, null)), team(limits(12_800L, null, null, null)));
        earlyInASecond();
        Grant grant = grant(parties, 64);
        state.giveBack(parties, grant, 40);
        var window = admin.hgetAll("ahead:{t}:key:k:window");
        assertEquals("24", window.get("r"));
        assertEquals("24", window.get("r" + grant.countedIn()));
        assertEquals("24", admin.hget("ahead:{t}:team:t:window", "r"));
        assertEquals("24", admin.get("ahead:{t}:key:k:inflight"));
        // The team has no max-parallel limit: it never had a count to give back to.
        assertEquals(false, admin.exists("ahead:{t}:team:t:inflight"));
        assertThrows(IllegalArgumentException.class, () -> state.giveBack(parties, grant, 0));
    }

    @Test
    void aBucketThatLeftTheWindowIsNotTakenOffAgainAndPlacesNeverGoBelowZero() throws Exception {
        var parties = List.of(key(limits(6_400L, null, 6_400L, null)));
        earlyInASecond();
        Grant grant = grant(parties, 64);
        // Its second long gone (the window was pruned and written since): only the places come back.
        Grant old = new Grant(grant.admission(), grant.more(), grant.validFor(), grant.countedIn() - 100);
        admin.set("ahead:{t}:key:k:inflight", "5");
        state.giveBack(parties, old, 63);
        assertEquals("64", admin.hget("ahead:{t}:key:k:window", "r"));
        assertEquals("0", admin.get("ahead:{t}:key:k:inflight"));
    }

    @Test
    void threeReplicasAdmittingAheadLeaveExactCountsInFewerSteps() throws Exception {
        var parties = List.of(key(limits(1_000_000L, null, 100_000L, null)), team(limits(2_000_000L, null, null, null)));
        int[] outcome = burst(parties, 3_000);
        int admitted = outcome[0];
        assertEquals(0, outcome[1]);
        long steps = evalshaCalls();
        // Admitted ahead: far fewer scripts (admit, settle and give back together) than admissions.
        assertTrue(admitted > 2_000 && steps < admitted / 4, () -> steps + " scripts for " + admitted + " admitted");
        // What was granted ahead and not handed out was given back; every call was settled.
        assertEquals(Integer.toString(admitted), admin.hget("ahead:{t}:key:k:window", "r"));
        assertEquals(Integer.toString(admitted), admin.hget("ahead:{t}:team:t:window", "r"));
        assertEquals("0", admin.get("ahead:{t}:key:k:inflight"));
    }

    @Test
    void threeReplicasAdmittingAheadNeverPassALimit() throws Exception {
        // Ahead until half of 6,400 (up to 64 per step: a 64th is 100), then one request per step.
        var parties = List.of(key(limits(6_400L, null, null, null)), team(limits(100_000L, null, null, null)));
        int[] outcome = burst(parties, 3_000);
        int admitted = outcome[0];
        assertTrue(outcome[1] > 0, "the burst never reached the limit: " + admitted + " admitted");
        assertTrue(admitted <= 6_400, () -> admitted + " admitted");
        assertEquals(Integer.toString(admitted), admin.hget("ahead:{t}:key:k:window", "r"));
    }

    // Three replicas (each a SharedQuotaState admitting ahead on its own link) and four callers on
    // each, admitting and settling at once for the given time; then the replicas close (giving back
    // what they hold). Returns {admitted, refused}.
    private int[] burst(List<LimitedParty> parties, long millis) throws Exception {
        var admitted = new AtomicInteger();
        var refused = new AtomicInteger();
        var links = new ArrayList<StateLink>();
        var replicas = new ArrayList<SharedQuotaState>();
        for (int r = 0; r < 3; r++) {
            var link = new StateLink(store, StateFailureMode.CLOSED, TimeSource.system(), MetricsPort.none(),
                    Sleeper.system(), Duration.ofMillis(500));
            links.add(link);
            replicas.add(SharedQuotaState.settlingAfterAnswers(state, link, 10_000, Duration.ofMillis(20), 64));
        }
        long deadline = System.nanoTime() + Duration.ofMillis(millis).toNanos();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var done = new ArrayList<Future<?>>();
            for (int t = 0; t < 12; t++) {
                SharedQuotaState replica = replicas.get(t % 3);
                done.add(threads.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        if (replica.admit(parties, Instant.now()) instanceof Admission.Admitted call) {
                            admitted.incrementAndGet();
                            call.settlement().settle(0, NanoUsd.ZERO, Instant.now());
                        } else {
                            refused.incrementAndGet();
                        }
                        Thread.sleep(0, 500_000);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(30, TimeUnit.SECONDS);
            }
        }
        replicas.forEach(SharedQuotaState::close);
        links.forEach(StateLink::close);
        return new int[] {admitted.get(), refused.get()};
    }

    // How many scripts Redis ran since the test's FLUSHALL (which does not reset the stats: CONFIG RESETSTAT does).
    private long evalshaCalls() {
        String stats;
        try (var jedis = new Jedis("127.0.0.1", SERVER.port())) {
            stats = jedis.info("commandstats");
        }
        var matcher = java.util.regex.Pattern.compile("cmdstat_evalsha:calls=(\\d+)").matcher(stats);
        assertTrue(matcher.find(), stats);
        return Long.parseLong(matcher.group(1));
    }

    @Test
    void aKeyOfAnotherShapeFailsTheGiveBackNamingIt() throws Exception {
        var parties = List.of(key(limits(6_400L, null, 6_400L, null)));
        earlyInASecond();
        Grant grant = grant(parties, 64);
        admin.del("ahead:{t}:key:k:inflight");
        admin.rpush("ahead:{t}:key:k:inflight", "x");
        var failure = assertThrows(RuntimeException.class, () -> state.giveBack(parties, grant, 3));
        assertTrue(failure.getMessage().contains("ahead:{t}:key:k:inflight"), failure::getMessage);
        assertEquals("64", admin.hget("ahead:{t}:key:k:window", "r"));
    }
}
