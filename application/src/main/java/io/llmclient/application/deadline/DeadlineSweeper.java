package io.llmclient.application.deadline;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One watchdog for many deadlines: a single virtual thread looks at the registered entries every
 * tick and expires those whose deadline has passed. It runs only while entries come, and stops
 * after some ticks without any. The entries are their own links in lists: registering appends,
 * removing unlinks at once, each a few writes under the lock of one list (one per core, chosen by
 * the registering thread, so callers on different cores rarely meet), held otherwise only for the
 * tick's look. So a deadline costs no timer (decision 14: arming and cancelling timers per call was
 * the largest CPU cost measured), no hashing and no allocation (a set's insertion and removal, six per
 * request, were 3 % of the service's CPU per request), and a removed entry is not held until the
 * next look (a queue unlinked lazily held ~3,000 removed watches at 8,000 requests/s, which young
 * collections copied: docs/benchmarks/llm-performance.md, issue 24 sessions 13 and 14).
 *
 * <p>By default each entry past its deadline is expired. A sweeper made with a {@code due} handler
 * hands that handler all entries past their deadline at once, once per tick, and the handler
 * decides which to expire: for checks that cost one look at something shared (a system table)
 * whatever the number of entries (decision 22).
 *
 * @param <T> what is watched
 */
public final class DeadlineSweeper<T extends DeadlineSweeper.Watched> {
    // Lists in stripes, chosen by the adding thread: on many cores, callers rarely share a lock.
    private static final int STRIPES =
            Integer.highestOneBit(Math.max(1, Runtime.getRuntime().availableProcessors()) * 2 - 1);

    private final String threadName;
    private final Duration tick;
    private final int idleTicks;
    private final Consumer<? super List<T>> due;
    private final AtomicBoolean sweeping = new AtomicBoolean();
    private final WatchList[] lists = new WatchList[STRIPES];

    /** Something with a deadline that the sweeper ends once it has passed; added to one sweeper, once. */
    public abstract static class Watched {
        // Which of the sweeper's lists holds it: the adding thread's, fixed when it is made.
        private final int stripe = (int) Thread.currentThread().threadId() & (STRIPES - 1);
        // Links in that list, guarded by its lock; listed from add() until remove().
        private Watched previous;
        private Watched next;
        private boolean listed;

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
        for (int i = 0; i < STRIPES; i++) {
            lists[i] = new WatchList();
        }
    }

    /** Watches {@code entry} until it is removed. */
    public void add(T entry) {
        Watched added = entry;
        lists[added.stripe].add(added);
        if (sweeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name(threadName).start(this::sweep);
        }
    }

    /** Stops watching {@code entry}: it is not expired after this returns, except by a look already under way. */
    public void remove(T entry) {
        Watched removed = entry;
        lists[removed.stripe].remove(removed);
    }

    /** Whether the sweeper thread is running; for tests. */
    public boolean sweeping() {
        return sweeping.get();
    }

    /** How many entries are watched now; for tests. */
    public int watching() {
        int count = 0;
        for (WatchList list : lists) {
            count += list.count();
        }
        return count;
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
            List<T> pastDeadline = pastDeadline(System.nanoTime());
            if (!pastDeadline.isEmpty()) {
                due.accept(pastDeadline);
            }
            idle = isEmpty() ? idle + 1 : 0;
            if (idle >= idleTicks) {
                sweeping.set(false);
                // An entry added after the check above either saw sweeping=false and started a
                // sweeper of its own, or this one takes the flag back and carries on.
                if (isEmpty() || !sweeping.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }

    // Only entries given to add() are listed, so each is a T.
    @SuppressWarnings("unchecked")
    private List<T> pastDeadline(long now) {
        List<Watched> pastDeadline = new ArrayList<>();
        for (WatchList list : lists) {
            list.collectPastDeadline(now, pastDeadline);
        }
        return (List<T>) (List<?>) pastDeadline;
    }

    private boolean isEmpty() {
        for (WatchList list : lists) {
            if (!list.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /** Entries linked through themselves, oldest first, under a lock held only for a few writes or a look. */
    private static final class WatchList {
        private Watched head;
        private Watched tail;

        synchronized void add(Watched added) {
            added.previous = tail;
            if (tail == null) {
                head = added;
            } else {
                tail.next = added;
            }
            tail = added;
            added.listed = true;
        }

        synchronized void remove(Watched removed) {
            if (!removed.listed) {
                return;
            }
            if (removed.previous == null) {
                head = removed.next;
            } else {
                removed.previous.next = removed.next;
            }
            if (removed.next == null) {
                tail = removed.previous;
            } else {
                removed.next.previous = removed.previous;
            }
            removed.previous = null;
            removed.next = null;
            removed.listed = false;
        }

        synchronized void collectPastDeadline(long now, List<Watched> into) {
            for (Watched entry = head; entry != null; entry = entry.next) {
                if (now - entry.deadlineNanos() >= 0) {
                    into.add(entry);
                }
            }
        }

        synchronized boolean isEmpty() {
            return head == null;
        }

        synchronized int count() {
            int count = 0;
            for (Watched entry = head; entry != null; entry = entry.next) {
                count++;
            }
            return count;
        }
    }
}
