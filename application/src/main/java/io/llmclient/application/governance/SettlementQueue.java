package io.llmclient.application.governance;

import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Settlements sent to the shared store after the answer instead of before it, so that a request
 * costs one round trip on its path (the admission) rather than two. One thread sends them in the
 * order they came; those that wait while a send is on its way go together, summed per parties and
 * UTC day (the budget periods' unit), in one step each. The queue is bounded: when it is full the
 * caller settles itself, as without the queue. Closing sends what is queued.
 * See docs/decisions.md section 40.
 */
final class SettlementQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SettlementQueue.class.getName());

    // How often an idle sender looks whether it was closed.
    private static final Duration IDLE_CHECK = Duration.ofMillis(100);

    /** Sends the summed settlement of {@code calls} calls of the same parties (one store step). */
    @FunctionalInterface
    interface Sender {
        void send(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant at);
    }

    private record Pending(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant at) {
    }

    // Settlements of one group are summed: the same parties, on the same UTC day (so the same
    // daily, weekly and monthly spend).
    private record Group(List<LimitedParty> parties, long day) {
    }

    private static final class Sum {
        private int calls;
        private long tokens;
        private long nanos;
        private Instant at;

        void add(Pending pending) {
            calls++;
            tokens += pending.tokens();
            nanos += pending.cost().nanos();
            at = at == null || pending.at().isAfter(at) ? pending.at() : at;
        }
    }

    private final BlockingQueue<Pending> queue;
    private final Sender sender;
    private final Thread thread;
    private volatile boolean closed;

    SettlementQueue(int capacity, Sender sender) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the settlement queue holds at least one, not " + capacity);
        }
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.sender = Objects.requireNonNull(sender, "sender");
        this.thread = Thread.ofVirtual().name("llm-settlements").start(this::sendUntilClosed);
    }

    /** Queues a settlement; false when the queue is full or closed (the caller then settles itself). */
    boolean offer(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant at) {
        return !closed && queue.offer(new Pending(parties, tokens, cost, at));
    }

    /** Settlements queued and not yet sent. */
    int pending() {
        return queue.size();
    }

    private void sendUntilClosed() {
        var batch = new ArrayList<Pending>();
        while (!closed || !queue.isEmpty()) {
            try {
                Pending first = queue.poll(IDLE_CHECK.toMillis(), TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            queue.drainTo(batch);
            send(batch);
            batch.clear();
        }
    }

    private void send(List<Pending> batch) {
        Map<Group, Sum> sums = new LinkedHashMap<>();
        for (Pending pending : batch) {
            var group = new Group(pending.parties(), BudgetPeriod.DAILY.index(pending.at().toEpochMilli()));
            sums.computeIfAbsent(group, ignored -> new Sum()).add(pending);
        }
        sums.forEach((group, sum) -> {
            try {
                sender.send(group.parties(), sum.calls, sum.tokens, new NanoUsd(sum.nanos), sum.at);
            } catch (RuntimeException e) {
                // The sender keeps what the store did not take; anything else must not stop the sending.
                LOG.log(System.Logger.Level.ERROR, "a batch of " + sum.calls + " settlements failed", e);
            }
        });
    }

    /** Stops taking settlements and sends those queued (waits for them). */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Any offered between the flag and the sender's last look.
        var left = new ArrayList<Pending>();
        queue.drainTo(left);
        if (!left.isEmpty()) {
            send(left);
        }
    }
}
