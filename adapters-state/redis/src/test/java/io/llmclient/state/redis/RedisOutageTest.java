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
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import redis.clients.jedis.RedisClient;

/**
 * SharedQuotaState on a real Redis that is killed (SIGKILL, as a crash) and started again while
 * eight threads admit and settle calls with a cost. The Redis keeps an append-only file fsynced
 * before each answer, so that what it acknowledged survives the crash: what the test checks is
 * that the service's own side loses nothing and counts nothing twice. Failing open, no call
 * throws; failing closed, admissions during the outage are refused at once with
 * StateUnavailableException. Either way, afterwards the spend in Redis is exactly the sum of the
 * costs settled.
 */
class RedisOutageTest {
    @RegisterExtension
    static final RedisServer SERVER = RedisServer.persistent();

    private static final long BUDGET = 1_000_000L * 1_000_000_000L;

    private final LimitedParty research = new LimitedParty("research", LimitedParty.Kind.TEAM, "research",
            new Limits(Optional.empty(), Optional.empty(), Optional.of(1_000L),
                    Optional.of(new Budget(new NanoUsd(BUDGET), BudgetPeriod.TOTAL))));
    private final LimitedParty alice = new LimitedParty("alice", LimitedParty.Kind.KEY, "research",
            new Limits(Optional.empty(), Optional.empty(), Optional.of(1_000L),
                    Optional.of(new Budget(new NanoUsd(BUDGET), BudgetPeriod.TOTAL))));
    private final List<LimitedParty> parties = List.of(alice, research);

    private RedisStore store;
    private RedisQuotaState redis;

    @BeforeEach
    void connect() {
        try (var admin = RedisClient.create(SERVER.url())) {
            admin.flushAll();
        }
        store = new RedisStore(SERVER.url(), Duration.ofMillis(250), 16);
        redis = new RedisQuotaState(store, "outage:", Duration.ofMinutes(1));
    }

    @AfterEach
    void disconnect() {
        store.close();
    }

    private StateLink link(StateFailureMode mode) {
        return new StateLink(store, mode, TimeSource.system(), MetricsPort.none(), Sleeper.system(),
                Duration.ofMillis(50));
    }

    /** What the traffic did: the costs settled, and what the admissions threw. */
    private record Traffic(long settledNanos, int admitted, List<Throwable> thrown) {
    }

    // Eight threads admit and settle (cost 1000 + n nano-dollars, all different) until told to stop.
    private Traffic traffic(SharedQuotaState state, AtomicBoolean running) throws Exception {
        var settled = new AtomicLong();
        var admitted = new AtomicInteger();
        var sequence = new AtomicLong();
        var thrown = new ConcurrentLinkedQueue<Throwable>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var workers = new ArrayList<Future<?>>();
            for (int t = 0; t < 8; t++) {
                workers.add(pool.submit(() -> {
                    while (running.get()) {
                        try {
                            if (state.admit(parties, Instant.now()) instanceof Admission.Admitted admission) {
                                admitted.incrementAndGet();
                                long cost = 1_000 + sequence.incrementAndGet();
                                admission.settlement().settle(10, new NanoUsd(cost), Instant.now());
                                settled.addAndGet(cost);
                            }
                        } catch (RuntimeException e) {
                            thrown.add(e);
                        }
                        Thread.sleep(1);
                    }
                    return null;
                }));
            }
            Thread.sleep(700);
            SERVER.kill();
            Thread.sleep(700);
            SERVER.start();
            Thread.sleep(700);
            running.set(false);
            for (Future<?> worker : workers) {
                worker.get(30, TimeUnit.SECONDS);
            }
        }
        return new Traffic(settled.get(), admitted.get(), List.copyOf(thrown));
    }

    private void awaitRecovery(StateLink link, SharedQuotaState state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while ((!link.up() || state.outstandingNanos() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(link.up(), "the link did not come back up");
        assertEquals(0, state.outstandingNanos(), "spend of the outage still waiting");
    }

    private long spentInRedis(LimitedParty party) {
        return redis.standings(List.of(party), Instant.now()).getFirst().budget().orElseThrow().spent().nanos();
    }

    @Test
    void failingOpenNoCallThrowsAndTheSpendInRedisIsExactlyWhatWasSettled() throws Exception {
        try (var link = link(StateFailureMode.OPEN)) {
            var state = new SharedQuotaState(redis, link);
            var traffic = traffic(state, new AtomicBoolean(true));
            assertEquals(List.of(), traffic.thrown());
            assertTrue(traffic.admitted() > 100, () -> "admitted only " + traffic.admitted());
            awaitRecovery(link, state);
            assertEquals(traffic.settledNanos(), spentInRedis(alice));
            assertEquals(traffic.settledNanos(), spentInRedis(research));
        }
    }

    @Test
    void failingClosedAdmissionsDuringTheOutageAreRefusedAndTheSpendArrivesOnce() throws Exception {
        try (var link = link(StateFailureMode.CLOSED)) {
            var state = new SharedQuotaState(redis, link);
            var traffic = traffic(state, new AtomicBoolean(true));
            assertTrue(!traffic.thrown().isEmpty(), "no admission was refused while Redis was down");
            for (Throwable error : traffic.thrown()) {
                assertInstanceOf(StateUnavailableException.class, error);
            }
            awaitRecovery(link, state);
            assertEquals(traffic.settledNanos(), spentInRedis(alice));
            assertEquals(traffic.settledNanos(), spentInRedis(research));
        }
    }

    @Test
    void failingClosedACallAdmittedBeforeTheOutageAndSettledDuringItIsChargedOnce() throws Exception {
        try (var link = link(StateFailureMode.CLOSED)) {
            var state = new SharedQuotaState(redis, link);
            var admission = assertInstanceOf(Admission.Admitted.class, state.admit(parties, Instant.now()));
            SERVER.kill();
            long started = System.nanoTime();
            admission.settlement().settle(10, new NanoUsd(12_345), Instant.now());
            assertThrows(StateUnavailableException.class, () -> state.admit(parties, Instant.now()));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(2), "a call waited on a dead Redis");
            assertEquals(2 * 12_345, state.outstandingNanos());
            SERVER.start();
            awaitRecovery(link, state);
            assertEquals(12_345, spentInRedis(alice));
            assertEquals(12_345, spentInRedis(research));
        }
    }

    @Test
    void aSettlementThatTimedOutButReachedRedisIsCountedOnce() throws Exception {
        try (var link = link(StateFailureMode.OPEN)) {
            var state = new SharedQuotaState(redis, link);
            var admission = assertInstanceOf(Admission.Admitted.class, state.admit(parties, Instant.now()));
            SERVER.pause();
            try {
                // Times out: the settlement waits in the frozen server's socket, which runs it once resumed.
                admission.settlement().settle(10, new NanoUsd(4_321), Instant.now());
                assertEquals(2 * 4_321, state.outstandingNanos());
            } finally {
                SERVER.resume();
            }
            awaitRecovery(link, state);
            assertEquals(4_321, spentInRedis(alice));
            assertEquals(4_321, spentInRedis(research));
        }
    }
}
