package io.llmclient.application.deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watchdog for many deadlines: a single virtual thread looks at the registered entries every
 * tick and expires those whose deadline has passed. It runs only while entries come, and stops
 * after some ticks without any. Registering appends to a lock-free queue and removing sets a flag
 * on the entry, which the sweeper unlinks at its next look: a deadline costs no timer (decision
 * 14: arming and cancelling timers per call was the largest CPU cost measured) and no hashing or
 * lock on the caller's path (a set's insertion and removal, six per request, were 3 % of the
 * service's CPU per request: docs/benchmarks/llm-performance.md, issue 24 session 13).
 *
 * <p>By default each entry past its deadline is expired. A sweeper made with a {@code due} handler
 * hands that handler all entries past their deadline at once, once per tick, and the handler
 * decides which to expire: for checks that cost one look at something shared (a system table)
 * whatever the number of entries (decision 22).
 *
 * @param <T> what is watched
 */
public final class DeadlineSweeper<T extends DeadlineSweeper.Watched> {
    private final String threadName;
    private final Duration tick;
    private final int idleTicks;
    private final Consumer<? super List<T>> due;
    private final Queue<T> watched = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** Something with a deadline that the sweeper ends once it has passed; added to one sweeper, once. */
    public abstract static class Watched {
        // Set by remove(); the sweeper unlinks the entry at its next look.
        private volatile boolean removed;

        /** When it must end, on the {@link System#nanoTime()} scale. */
        public abstract long deadlineNanos();

        /** Called by the sweeper at every tick past the deadline until the entry is removed. */
        public abstract void expire();
    }

    /**
     * @param threadName name of the sweeper thread
     * @param tick       how often it looks; also how late past its deadline an entry may be expired
     * @param idleTicks  ticks in a row without an entry before the thread stops
     */
    public DeadlineSweeper(String threadName, Duration tick, int idleTicks) {
        this(threadName, tick, idleTicks, entries -> entries.forEach(Watched::expire));
    }

    /**
     * As above, handing the entries past their deadline to {@code due} at each tick (never an empty
     * list), which expires those it judges done. An entry it leaves is handed over again next tick.
     */
    public DeadlineSweeper(String threadName, Duration tick, int idleTicks, Consumer<? super List<T>> due) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.tick = Objects.requireNonNull(tick, "tick");
        this.idleTicks = idleTicks;
        this.due = Objects.requireNonNull(due, "due");
    }

    /** Watches {@code entry} until it is removed. */
    public void add(T entry) {
        watched.add(entry);
        if (sweeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name(threadName).start(this::sweep);
        }
    }

    /** Stops watching {@code entry}: it is not expired after this returns, except by a look already under way. */
    public void remove(T entry) {
        ((Watched) entry).removed = true;
    }

    /** Whether the sweeper thread is running; for tests. */
    public boolean sweeping() {
        return sweeping.get();
    }

    /** Runs while entries come; hands over to a new sweeper when one arrives as it stops. */
    private void sweep() {
        int idle = 0;
        while (true) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException stop) {
                sweeping.set(false);
                return;
            }
            long now = System.nanoTime();
            List<T> pastDeadline = new ArrayList<>();
            for (Iterator<T> entries = watched.iterator(); entries.hasNext(); ) {
                T entry = entries.next();
                if (((Watched) entry).removed) {
                    entries.remove();
                } else if (now - entry.deadlineNanos() >= 0) {
                    pastDeadline.add(entry);
                }
            }
            if (!pastDeadline.isEmpty()) {
                due.accept(pastDeadline);
            }
            idle = watched.isEmpty() ? idle + 1 : 0;
            if (idle >= idleTicks) {
                sweeping.set(false);
                // An entry added after the check above either saw sweeping=false and started a
                // sweeper of its own, or this one takes the flag back and carries on.
                if (watched.isEmpty() || !sweeping.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }
}
