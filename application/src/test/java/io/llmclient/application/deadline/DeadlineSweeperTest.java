package io.llmclient.application.deadline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.testing.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DeadlineSweeperTest {
    private static final Duration TICK = Duration.ofMillis(10);

    /** An entry whose deadline is {@code fromNow} away; counts its expiries. */
    private static final class Entry extends DeadlineSweeper.Watched {
        private final long deadlineNanos;
        private final AtomicInteger expired = new AtomicInteger();

        Entry(Duration fromNow) {
            this.deadlineNanos = System.nanoTime() + fromNow.toNanos();
        }

        @Override
        public long deadlineNanos() {
            return deadlineNanos;
        }

        @Override
        public void expire() {
            expired.incrementAndGet();
        }
    }

    @Test
    void aBatchedSweeperHandsEveryEntryPastItsDeadlineOverInOneListPerTick() throws InterruptedException {
        BlockingQueue<List<Entry>> handed = new LinkedBlockingQueue<>();
        var sweeper = new DeadlineSweeper<Entry>("test-sweeper", TICK, 5, handed::add);
        var first = new Entry(Duration.ZERO);
        var second = new Entry(Duration.ZERO);
        var later = new Entry(Duration.ofHours(1));
        sweeper.add(first);
        sweeper.add(second);
        sweeper.add(later);

        List<Entry> due = handed.poll(10, TimeUnit.SECONDS);

        assertEquals(Set.of(first, second), Set.copyOf(due));
        assertEquals(0, first.expired.get() + second.expired.get(), "the handler decides what expires");
        sweeper.remove(first);
        sweeper.remove(second);
        sweeper.remove(later);
    }

    @Test
    void aBatchedSweeperIsNotCalledWhileNoEntryIsPastItsDeadline() throws InterruptedException {
        BlockingQueue<List<Entry>> handed = new LinkedBlockingQueue<>();
        var sweeper = new DeadlineSweeper<Entry>("test-sweeper", TICK, 5, handed::add);
        var later = new Entry(Duration.ofHours(1));
        sweeper.add(later);
        Thread.sleep(TICK.multipliedBy(10));
        assertTrue(handed.isEmpty());
        sweeper.remove(later);
    }

    @Test
    void aRemovedEntryIsNeverExpiredAgainAndTheSweeperStopsOnceAllAreRemoved() throws InterruptedException {
        var sweeper = new DeadlineSweeper<Entry>("test-sweeper", TICK, 5);
        var due = new Entry(Duration.ZERO);
        var kept = new Entry(Duration.ZERO);
        sweeper.add(due);
        sweeper.add(kept);
        Await.until(() -> due.expired.get() > 0 && kept.expired.get() > 0, "both entries expired");
        sweeper.remove(due);
        int expiredWhenRemoved = due.expired.get();
        int keptBefore = kept.expired.get();
        Thread.sleep(TICK.multipliedBy(5));
        // A look under way when it was removed may expire it once more; none after that.
        int settled = due.expired.get();
        assertTrue(settled <= expiredWhenRemoved + 1, "expired " + settled + " times after " + expiredWhenRemoved);
        Thread.sleep(TICK.multipliedBy(5));
        assertEquals(settled, due.expired.get(), "not expired after its removal");
        assertTrue(kept.expired.get() > keptBefore, "the other entry is still expired at every tick");
        assertTrue(sweeper.sweeping());
        sweeper.remove(kept);
        Await.until(() -> !sweeper.sweeping(), "the sweeper stopped");
    }

    @Test
    void aRemovedEntryIsLetGoAtOnceWhereverItIsInTheList() {
        var sweeper = new DeadlineSweeper<Entry>("test-sweeper", Duration.ofHours(1), 5);
        List<Entry> entries = new ArrayList<>();
        for (int i = 0; i < 1_000; i++) {
            var entry = new Entry(Duration.ofHours(1));
            entries.add(entry);
            sweeper.add(entry);
        }
        assertEquals(1_000, sweeper.watching());
        // First, last, then the middle ones, and one twice: no look of the sweeper comes in between.
        sweeper.remove(entries.getFirst());
        sweeper.remove(entries.getLast());
        sweeper.remove(entries.getLast());
        assertEquals(998, sweeper.watching());
        for (int i = 1; i < 999; i += 2) {
            sweeper.remove(entries.get(i));
        }
        assertEquals(499, sweeper.watching());
        for (int i = 2; i < 999; i += 2) {
            sweeper.remove(entries.get(i));
        }
        assertEquals(0, sweeper.watching());
        var again = new Entry(Duration.ofHours(1));
        sweeper.add(again);
        assertEquals(1, sweeper.watching());
        sweeper.remove(again);
        assertEquals(0, sweeper.watching());
    }

    @Test
    void entriesAddedAndRemovedFromManyThreadsAtOnceLeaveNoneBehind() throws InterruptedException {
        var sweeper = new DeadlineSweeper<Entry>("test-sweeper", TICK, 5);
        var longLived = new Entry(Duration.ofHours(1));
        sweeper.add(longLived);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 20_000; i++) {
                    var entry = new Entry(Duration.ofHours(1));
                    sweeper.add(entry);
                    sweeper.remove(entry);
                }
            }));
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertEquals(1, sweeper.watching());
        sweeper.remove(longLived);
        assertEquals(0, sweeper.watching());
    }
}
