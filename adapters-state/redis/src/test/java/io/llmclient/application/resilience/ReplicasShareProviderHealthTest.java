package io.llmclient.application.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.state.SharedProviderHealth;
import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.state.redis.RedisProviderHealth;
import io.llmclient.state.redis.RedisStore;
import io.llmclient.state.redis.testing.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * Two replicas (each its own Redis pool, state link, shared provider health and guards, as two
 * service instances have) sharing one real redis-server: a pause, an opening, the single probe
 * and its verdict made on one are seen on the other; a frozen Redis leaves both serving on what
 * they know. In this module (it needs Redis) but in the guards' package, to reach their gate and
 * breaker.
 */
class ReplicasShareProviderHealthTest {
    private static final ProviderId OPENAI = ProviderId.OPENAI;
    private static final Duration POLL = Duration.ofMillis(50);
    private static final Duration WITHIN = Duration.ofSeconds(5);
    private static final int THRESHOLD = 3;

    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    private final List<Replica> replicas = new ArrayList<>();

    /** One service instance's share of provider health. */
    private static final class Replica implements AutoCloseable {
        private final RedisStore store;
        private final StateLink link;
        private final SharedProviderHealth health;
        private final ProviderGuards guards;
        private final List<Duration> sleeps = new CopyOnWriteArrayList<>();

        Replica(Duration openFor, Duration probeLease) {
            store = new RedisStore(SERVER.url(), Duration.ofMillis(250), 8);
            link = new StateLink(store, StateFailureMode.OPEN, TimeSource.system(), MetricsPort.none(),
                    Sleeper.system(), Duration.ofMillis(100));
            health = new SharedProviderHealth(new RedisProviderHealth(store, "llm:", Duration.ofMinutes(1)), link,
                    TimeSource.system(), Sleeper.system(), List.of(OPENAI), POLL, probeLease);
            health.start();
            Sleeper recording = duration -> {
                sleeps.add(duration);
                Thread.sleep(duration);
            };
            guards = new ProviderGuards(new ResilienceSettings(0, 0, Duration.ZERO, 1.0, Duration.ofSeconds(32), 100,
                    THRESHOLD, openFor), TimeSource.system(), recording, health);
        }

        CircuitBreaker breaker() {
            return guards.of(OPENAI).breaker();
        }

        RateLimitGate gate() {
            return guards.of(OPENAI).gate();
        }

        boolean available() {
            return guards.availability(OPENAI).available();
        }

        String reason() {
            return guards.availability(OPENAI).reason();
        }

        void openCircuit() {
            for (int i = 0; i < THRESHOLD; i++) {
                breaker().failed(breaker().tryAcquire());
            }
        }

        @Override
        public void close() {
            health.close();
            link.close();
            store.close();
        }
    }

    private Replica replica(Duration openFor, Duration probeLease) {
        var replica = new Replica(openFor, probeLease);
        replicas.add(replica);
        return replica;
    }

    @BeforeEach
    void emptyRedis() {
        try (var admin = RedisClient.create(SERVER.url())) {
            admin.flushAll();
        }
    }

    @AfterEach
    void stopReplicas() {
        replicas.forEach(Replica::close);
    }

    private static void eventually(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + WITHIN.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + " within " + WITHIN.toSeconds() + " s");
            }
            Thread.sleep(10);
        }
    }

    @Test
    void aRateLimitWaitRecordedOnOneReplicaMakesTheOtherWaitToo() throws Exception {
        Replica a = replica(Duration.ofSeconds(30), Duration.ofSeconds(30));
        Replica b = replica(Duration.ofSeconds(30), Duration.ofSeconds(30));
        a.gate().holdFor(Duration.ofSeconds(2));

        eventually(() -> {
            b.gate().awaitTurn();
            return !b.sleeps.isEmpty();
        }, "the other replica waits at its gate");
        Duration waited = b.sleeps.getFirst();
        assertTrue(waited.isPositive() && waited.compareTo(Duration.ofSeconds(2)) <= 0, waited::toString);
    }

    @Test
    void aCircuitOpenedOnOneReplicaIsOpenOnTheOther() throws Exception {
        Replica a = replica(Duration.ofSeconds(30), Duration.ofSeconds(30));
        Replica b = replica(Duration.ofSeconds(30), Duration.ofSeconds(30));
        a.openCircuit();

        eventually(() -> !b.available(), "the other replica reports the provider down");
        assertTrue(b.reason().startsWith("circuit open after 3 consecutive failures; next probe in "), b::reason);
        assertNull(b.breaker().tryAcquire());
    }

    // Opens the circuit on a, waits for its open time to end on both, then lets 10 threads on each
    // replica ask for a permit at once; returns the permits granted, with their replica.
    private List<Object[]> racedForTheProbe(Replica a, Replica b) throws Exception {
        a.openCircuit();
        eventually(() -> !b.available(), "the other replica sees the circuit open");
        eventually(() -> a.available() && b.available(), "both replicas see the open time end");
        var start = new CountDownLatch(1);
        var tries = new ArrayList<Callable<Object[]>>();
        for (int i = 0; i < 20; i++) {
            Replica replica = i % 2 == 0 ? a : b;
            tries.add(() -> {
                start.await();
                CircuitBreaker.Permit permit = replica.breaker().tryAcquire();
                return permit == null ? null : new Object[] {replica, permit};
            });
        }
        var granted = new ArrayList<Object[]>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Object[]>> answers = tries.stream().map(threads::submit).toList();
            start.countDown();
            for (Future<Object[]> answer : answers) {
                if (answer.get() != null) {
                    granted.add(answer.get());
                }
            }
        }
        return granted;
    }

    @Test
    void whenTheOpenTimeEndsExactlyOneProbeGoesOutAcrossReplicasAndItsSuccessClosesBoth() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofSeconds(30));
        Replica b = replica(Duration.ofSeconds(2), Duration.ofSeconds(30));
        List<Object[]> granted = racedForTheProbe(a, b);
        assertEquals(1, granted.size(), "permits granted to 20 concurrent callers on two replicas");
        var probe = (CircuitBreaker.Permit) granted.getFirst()[1];
        assertTrue(probe.probe());

        ((Replica) granted.getFirst()[0]).breaker().succeeded(probe);
        eventually(() -> "ready".equals(a.reason()) && "ready".equals(b.reason()), "both replicas closed");
        assertFalse(a.breaker().tryAcquire().probe());
        assertFalse(b.breaker().tryAcquire().probe());
    }

    @Test
    void aFailedProbeOpensTheCircuitAgainOnBothReplicas() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofSeconds(30));
        Replica b = replica(Duration.ofSeconds(2), Duration.ofSeconds(30));
        List<Object[]> granted = racedForTheProbe(a, b);
        assertEquals(1, granted.size());

        ((Replica) granted.getFirst()[0]).breaker().failed((CircuitBreaker.Permit) granted.getFirst()[1]);
        eventually(() -> a.reason().startsWith("circuit open after") && b.reason().startsWith("circuit open after"),
                "both replicas open again");
        assertNull(a.breaker().tryAcquire());
        assertNull(b.breaker().tryAcquire());
    }

    @Test
    void aReplicaThatDiesHoldingTheProbeFreesItByItsLease() throws Exception {
        Replica dying = replica(Duration.ofSeconds(1), Duration.ofMillis(500));
        Replica b = replica(Duration.ofSeconds(1), Duration.ofMillis(500));
        dying.openCircuit();
        eventually(() -> !b.available(), "the other replica sees the circuit open");
        eventually(dying::available, "the open time ends");
        assertTrue(dying.breaker().tryAcquire().probe());
        dying.close();

        var probe = new CircuitBreaker.Permit[1];
        eventually(() -> (probe[0] = b.breaker().tryAcquire()) != null, "the other replica may probe");
        assertTrue(probe[0].probe());
    }

    @Test
    void aFrozenRedisLeavesBothReplicasServingOnWhatTheyKnow() throws Exception {
        Replica a = replica(Duration.ofSeconds(2), Duration.ofSeconds(30));
        Replica b = replica(Duration.ofSeconds(2), Duration.ofSeconds(30));
        a.openCircuit();
        eventually(() -> !b.available(), "the other replica sees the circuit open");

        SERVER.pause();
        try {
            assertTimeoutPreemptively(WITHIN, () -> {
                // Events are written in the background: recording one does not wait for Redis.
                a.gate().holdFor(Duration.ofMillis(100));
                assertNull(b.breaker().tryAcquire(), "still open, as the replica learned");
            });
            eventually(() -> !a.link.up() && !b.link.up(), "both links cut");
            // Each replica probes by itself when the open time is over, and closes by itself.
            for (Replica replica : List.of(a, b)) {
                var probe = new CircuitBreaker.Permit[1];
                eventually(() -> (probe[0] = replica.breaker().tryAcquire()) != null, "a probe on each replica");
                assertTrue(probe[0].probe());
                replica.breaker().succeeded(probe[0]);
                assertTimeoutPreemptively(WITHIN, () -> {
                    replica.gate().awaitTurn();
                    assertNotNull(replica.breaker().tryAcquire());
                });
            }
        } finally {
            SERVER.resume();
        }
        eventually(() -> a.link.up() && b.link.up(), "both links up again once Redis answers");
        int waitsBefore = b.sleeps.size();
        a.gate().holdFor(Duration.ofSeconds(1));
        eventually(() -> {
            b.gate().awaitTurn();
            return b.sleeps.size() > waitsBefore;
        }, "sharing works again: a pause on one replica makes the other wait");
    }
}
