package io.llmclient.application.governance;

import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Settlements sent to the shared store after the answer instead of before it, so that a request
 * costs one round trip on its path (the admission) rather than two. They wait summed per parties
 * and UTC day (the budget periods' unit), and a group is sent {@code linger} after it began, by
 * one thread, as one step: at any rate a group's settling costs the store one step per linger,
 * not one per call. A caller that must settle at once takes its group along ({@link #takeFor}).
 * The queue is bounded: when it is full the caller settles itself, as without the queue. Closing
 * sends what waits.
 * See docs/decisions.md sections 40 and 43.
 */
final class SettlementQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SettlementQueue.class.getName());

    /** Sends the summed settlement of calls of the same parties (one store step). */
    @FunctionalInterface
    interface Sender {
        void send(List<LimitedParty> parties, SettledCalls calls);
    }

    // Settlements of one group are summed: the same parties, on the same UTC day (so the same
    // daily, weekly and monthly spend).
    private record Group(List<LimitedParty> parties, long day) {
        static Group of(List<LimitedParty> parties, Instant at) {
            return new Group(parties, BudgetPeriod.DAILY.index(at.toEpochMilli()));
        }
    }

    private static final class Sum {
        private final long since;
        private int calls;
        private long tokens;
        private long nanos;
        private Instant at;

        Sum(long since) {
            this.since = since;
        }

        void add(long moreTokens, NanoUsd cost, Instant when) {
            calls++;
            tokens += moreTokens;
            nanos += cost.nanos();
            at = at == null || when.isAfter(at) ? when : at;
        }

        SettledCalls settled() {
            return new SettledCalls(calls, tokens, new NanoUsd(nanos), at, UUID.randomUUID().toString());
        }
    }

    private final int capacity;
    private final long lingerNanos;
    private final Sender sender;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    // Oldest group first: a group keeps its place (and its start) while more join it.
    private final LinkedHashMap<Group, Sum> waiting = new LinkedHashMap<>();
    private final Thread thread;
    private int count;
    private boolean closed;

    /**
     * @param capacity how many settlements may wait, at least one
     * @param linger   how long a group waits for more settlements of its parties before it is sent
     * @param sender   the store step for a group
     */
    SettlementQueue(int capacity, Duration linger, Sender sender) {
        if (capacity < 1) {
            throw new IllegalArgumentException("the settlement queue holds at least one, not " + capacity);
        }
        if (linger.isNegative()) {
            throw new IllegalArgumentException("a settlement cannot wait less than no time: " + linger);
        }
        this.capacity = capacity;
        this.lingerNanos = linger.toNanos();
        this.sender = Objects.requireNonNull(sender, "sender");
        this.thread = Thread.ofVirtual().name("llm-settlements").start(this::sendUntilClosed);
    }

    /** Queues a settlement; false when the queue is full or closed (the caller then settles itself). */
    boolean offer(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant at) {
        lock.lock();
        try {
            if (closed || count >= capacity) {
                return false;
            }
            Group group = Group.of(parties, at);
            Sum sum = waiting.get(group);
            if (sum == null) {
                sum = new Sum(System.nanoTime());
                waiting.put(group, sum);
                if (waiting.size() == 1) {
                    // The sender sleeps while nothing waits: this group sets its next wake-up.
                    changed.signal();
                }
            }
            sum.add(tokens, cost, at);
            count++;
            return true;
        } finally {
            lock.unlock();
        }
    }

    /** Takes what waits for exactly these parties on the day of {@code now}, for the caller to settle with its own. */
    Optional<SettledCalls> takeFor(List<LimitedParty> parties, Instant now) {
        Sum sum;
        lock.lock();
        try {
            if (count == 0) {
                return Optional.empty();
            }
            sum = waiting.remove(Group.of(parties, now));
            if (sum == null) {
                return Optional.empty();
            }
            count -= sum.calls;
        } finally {
            lock.unlock();
        }
        return Optional.of(sum.settled());
    }

    /** Settlements queued and not yet sent or taken. */
    int pending() {
        lock.lock();
        try {
            return count;
        } finally {
            lock.unlock();
        }
    }

    private void sendUntilClosed() {
        boolean last = false;
        while (!last) {
            var due = new ArrayList<Map.Entry<Group, Sum>>();
            lock.lock();
            try {
                last = awaitDue(due);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                lock.unlock();
            }
            send(due);
        }
    }

    // Under the lock: waits until a group has lingered its time (or the queue closed) and moves the
    // groups that are due into due; true when the queue closed and due holds everything left.
    private boolean awaitDue(List<Map.Entry<Group, Sum>> due) throws InterruptedException {
        while (true) {
            if (closed) {
                waiting.forEach((group, sum) -> due.add(Map.entry(group, sum)));
                waiting.clear();
                count = 0;
                return true;
            }
            if (waiting.isEmpty()) {
                changed.await();
                continue;
            }
            long now = System.nanoTime();
            long wait = waiting.values().iterator().next().since + lingerNanos - now;
            if (wait > 0) {
                changed.awaitNanos(wait);
                continue;
            }
            for (Iterator<Map.Entry<Group, Sum>> it = waiting.entrySet().iterator(); it.hasNext(); ) {
                Map.Entry<Group, Sum> entry = it.next();
                if (entry.getValue().since + lingerNanos - now > 0) {
                    break;
                }
                due.add(Map.entry(entry.getKey(), entry.getValue()));
                count -= entry.getValue().calls;
                it.remove();
            }
            return false;
        }
    }

    private void send(List<Map.Entry<Group, Sum>> due) {
        for (Map.Entry<Group, Sum> entry : due) {
            SettledCalls settled = entry.getValue().settled();
            try {
                sender.send(entry.getKey().parties(), settled);
            } catch (RuntimeException e) {
                // The sender keeps what the store did not take; anything else must not stop the sending.
                LOG.log(System.Logger.Level.ERROR, "a batch of " + settled.calls() + " settlements failed", e);
            }
        }
    }

    /** Stops taking settlements and sends those that wait (waits for them). */
    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            changed.signal();
        } finally {
            lock.unlock();
        }
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
