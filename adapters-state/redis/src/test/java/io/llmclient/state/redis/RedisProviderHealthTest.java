package io.llmclient.state.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.resilience.ProbeClaim;
import io.llmclient.application.resilience.ProviderHealthStore.Reading;
import io.llmclient.application.resilience.ProviderHealthStore.StoredCircuit;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.state.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/** Each provider-health script's semantics on a real Redis. */
class RedisProviderHealthTest {
    private static final ProviderId OPENAI = ProviderId.OPENAI;
    private static final ProviderId ANTHROPIC = ProviderId.ANTHROPIC;

    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    private RedisStore store;
    private RedisProviderHealth health;
    private RedisClient admin;

    @BeforeEach
    void connect() {
        admin = RedisClient.create(SERVER.url());
        admin.flushAll();
        store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 32);
        health = new RedisProviderHealth(store, "llm:", Duration.ofMinutes(10));
    }

    @AfterEach
    void close() {
        store.close();
        admin.close();
    }

    private Reading reading(ProviderId provider) {
        return health.read(List.of(provider)).get(provider);
    }

    @Test
    void aPauseIsKeptUnderTheProvidersHashTagWithItsWaitAsTtl() {
        health.pause(OPENAI, Duration.ofSeconds(20));
        long ttl = admin.pttl("llm:{provider:openai}:cooldown");
        assertTrue(ttl > 19_000 && ttl <= 20_000, () -> "ttl " + ttl);
        Duration left = reading(OPENAI).pausedFor();
        assertTrue(left.compareTo(Duration.ofSeconds(19)) > 0 && left.compareTo(Duration.ofSeconds(20)) <= 0);
    }

    @Test
    void aShorterPauseLeavesALongerOneAsItIsAndALongerOneExtendsIt() {
        health.pause(OPENAI, Duration.ofSeconds(20));
        health.pause(OPENAI, Duration.ofSeconds(5));
        assertTrue(admin.pttl("llm:{provider:openai}:cooldown") > 19_000);
        health.pause(OPENAI, Duration.ofSeconds(40));
        assertTrue(admin.pttl("llm:{provider:openai}:cooldown") > 39_000);
    }

    @Test
    void nothingStoredReadsAsNotPausedAndClosed() {
        assertEquals(Map.of(OPENAI, Reading.NOTHING, ANTHROPIC, Reading.NOTHING),
                health.read(List.of(OPENAI, ANTHROPIC)));
    }

    @Test
    void anOpenCircuitIsReadWithItsOpenTimeLeftAndItsFailuresAndExpiresAfterItsMemory() {
        health.open(OPENAI, Duration.ofSeconds(30), 5, false);
        StoredCircuit circuit = reading(OPENAI).circuit().orElseThrow();
        assertEquals(5, circuit.failures());
        assertTrue(circuit.openFor().compareTo(Duration.ofSeconds(29)) > 0
                && circuit.openFor().compareTo(Duration.ofSeconds(30)) <= 0, circuit::toString);
        long ttl = admin.pttl("llm:{provider:openai}:circuit");
        assertTrue(ttl > 629_000 && ttl <= 630_000, () -> "ttl " + ttl);
        assertEquals(Optional.empty(), reading(ANTHROPIC).circuit());
    }

    @Test
    void anOpeningFindingTheCircuitOpenKeepsTheFirstAndAReopeningStartsAgain() {
        health.open(OPENAI, Duration.ofSeconds(30), 5, false);
        health.open(OPENAI, Duration.ofSeconds(90), 7, false);
        assertEquals(5, reading(OPENAI).circuit().orElseThrow().failures());

        health.open(OPENAI, Duration.ofSeconds(90), 7, true);
        StoredCircuit reopened = reading(OPENAI).circuit().orElseThrow();
        assertEquals(7, reopened.failures());
        assertTrue(reopened.openFor().compareTo(Duration.ofSeconds(89)) > 0, reopened::toString);
    }

    @Test
    void anOpeningFindingTheCircuitHalfOpenWithoutAProbeStartsANewOpenTime() throws Exception {
        health.open(OPENAI, Duration.ofMillis(1), 5, false);
        Thread.sleep(5);
        health.open(OPENAI, Duration.ofSeconds(30), 6, false);
        StoredCircuit circuit = reading(OPENAI).circuit().orElseThrow();
        assertEquals(6, circuit.failures());
        assertTrue(circuit.openFor().isPositive(), circuit::toString);
    }

    @Test
    void anOpeningFindingAProbeOutLeavesTheProbesVerdictToDecide() throws Exception {
        health.open(OPENAI, Duration.ofMillis(1), 5, false);
        Thread.sleep(5);
        assertEquals(ProbeClaim.GRANTED, health.claimProbe(OPENAI, "a", Duration.ofSeconds(30)));
        health.open(OPENAI, Duration.ofSeconds(30), 6, false);
        StoredCircuit circuit = reading(OPENAI).circuit().orElseThrow();
        assertEquals(5, circuit.failures());
        assertTrue(circuit.probeOut());
    }

    @Test
    void aProbeIsRefusedWhileTheCircuitIsOpenAndAClosedCircuitSaysSo() {
        assertEquals(ProbeClaim.CLOSED, health.claimProbe(OPENAI, "a", Duration.ofSeconds(5)));
        health.open(OPENAI, Duration.ofSeconds(30), 5, false);
        assertEquals(ProbeClaim.REFUSED, health.claimProbe(OPENAI, "a", Duration.ofSeconds(5)));
    }

    @Test
    void onceTheOpenTimeIsOverOneOfTwentyConcurrentClaimsWins() throws Exception {
        health.open(OPENAI, Duration.ofMillis(1), 5, false);
        Thread.sleep(5);
        var start = new CountDownLatch(1);
        var claims = new ArrayList<Callable<ProbeClaim>>();
        for (int i = 0; i < 20; i++) {
            String holder = "replica-" + i;
            claims.add(() -> {
                start.await();
                return health.claimProbe(OPENAI, holder, Duration.ofSeconds(30));
            });
        }
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<ProbeClaim>> answers = claims.stream().map(threads::submit).toList();
            start.countDown();
            long granted = 0;
            for (Future<ProbeClaim> answer : answers) {
                granted += answer.get() == ProbeClaim.GRANTED ? 1 : 0;
            }
            assertEquals(1, granted);
        }
        assertTrue(reading(OPENAI).circuit().orElseThrow().probeOut());
        long lease = admin.pttl("llm:{provider:openai}:probe");
        assertTrue(lease > 29_000 && lease <= 30_000, () -> "lease " + lease);
    }

    @Test
    void onlyItsHolderReleasesAProbe() {
        health.open(OPENAI, Duration.ofMillis(1), 5, false);
        admin.set("llm:{provider:openai}:probe", "b");
        health.releaseProbe(OPENAI, "a");
        assertTrue(reading(OPENAI).circuit().orElseThrow().probeOut());
        health.releaseProbe(OPENAI, "b");
        assertEquals(false, reading(OPENAI).circuit().orElseThrow().probeOut());
    }

    @Test
    void aReopeningFreesTheProbeAndAClosingForgetsTheCircuit() throws Exception {
        health.open(OPENAI, Duration.ofMillis(1), 5, false);
        Thread.sleep(5);
        assertEquals(ProbeClaim.GRANTED, health.claimProbe(OPENAI, "a", Duration.ofSeconds(30)));
        health.open(OPENAI, Duration.ofSeconds(30), 5, true);
        assertEquals(false, reading(OPENAI).circuit().orElseThrow().probeOut());

        health.close(OPENAI);
        assertEquals(Reading.NOTHING, reading(OPENAI));
        assertEquals(0, admin.exists("llm:{provider:openai}:circuit", "llm:{provider:openai}:probe"));
    }

    @Test
    void aProbeLeaseExpiresSoThatADeadReplicasProbeIsFreedByTime() throws Exception {
        health.open(OPENAI, Duration.ofMillis(1), 5, false);
        Thread.sleep(5);
        assertEquals(ProbeClaim.GRANTED, health.claimProbe(OPENAI, "dies", Duration.ofMillis(200)));
        assertEquals(ProbeClaim.REFUSED, health.claimProbe(OPENAI, "b", Duration.ofSeconds(30)));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        ProbeClaim claim = ProbeClaim.REFUSED;
        while (claim != ProbeClaim.GRANTED && System.nanoTime() < deadline) {
            Thread.sleep(20);
            claim = health.claimProbe(OPENAI, "b", Duration.ofSeconds(30));
        }
        assertEquals(ProbeClaim.GRANTED, claim, "the lease expires within 5 s");
    }
}
