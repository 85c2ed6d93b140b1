package io.llmclient.application.governance;

import io.llmclient.domain.governance.LimitedParty;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Requests the shared store admitted ahead of time for parties with room to spare (a
 * {@link Grant}'s {@code more}), handed out by this replica without a round trip until they run out
 * or their grant's time passes. Per parties, one renewal at a time: started in the background when
 * a quarter of an allowance is handed out (so that callers rarely find it empty), or by a caller that finds it
 * empty; callers that find it empty while a renewal is under way wait for that renewal
 * ({@link #afterRenewal}). How many to ask for follows the parties' rate on this replica: an eighth of what it
 * admitted for them in the previous second, at most {@code most}, so that a slow caller gets none
 * and never holds places it does not use.
 * See docs/decisions.md section 47.
 */
final class Allowances {
    private static final long SECOND_NANOS = 1_000_000_000L;
    // A slot neither used nor holding anything this long is forgotten (parties of an older policy).
    private static final long IDLE_NANOS = 10 * SECOND_NANOS;

    /** Renews an allowance ahead of time, on a thread of its own, and closes the renewal. */
    @FunctionalInterface
    interface Renewer {
        void renewAhead(List<LimitedParty> parties, Renewal renewal, Instant now);
    }

    /** Requests handed out ahead of time, of one grant. */
    private record Allowance(Grant grant, Admission.Admitted admitted, long validUntil, AtomicInteger left) {

        // One request, or null when none is left or the time has passed.
        Admission.Admitted take(long now) {
            if (now - validUntil >= 0) {
                return null;
            }
            for (int n = left.get(); n > 0; n = left.get()) {
                if (left.compareAndSet(n, n - 1)) {
                    return admitted;
                }
            }
            return null;
        }

        // A quarter handed out: the renewal's round trip, on a core as busy as the callers', must
        // come back before the rest is (at half, measured, it often did not at 32 connections).
        boolean low() {
            return left.get() <= grant.more() * 3 / 4;
        }
    }

    /** What this grant left unused, to be given back. */
    record Unused(List<LimitedParty> parties, Grant grant, int requests) {
    }

    /** The right to renew one parties' allowance; {@link #close} it when done. */
    final class Renewal implements AutoCloseable {
        private final List<LimitedParty> parties;
        private final Slot slot;
        private final int wanted;
        private final Unused unused;

        private Renewal(List<LimitedParty> parties, Slot slot, int wanted, Unused unused) {
            this.parties = parties;
            this.slot = slot;
            this.wanted = wanted;
            this.unused = unused;
        }

        /** How many requests to ask the store for. */
        int wanted() {
            return wanted;
        }

        /** What the allowance being replaced left unused, or null when nothing. */
        Unused unused() {
            return unused;
        }

        /**
         * Keeps the {@code more} requests of {@code grant} (a step sent at {@code sentNanos}) to be
         * handed out as {@code admitted}, in place of the allowance it renews. What that one still
         * holds is carried over when both were counted in the same second, and returned to be given
         * back otherwise. Once the allowances are closed the new grant is returned whole too: no
         * caller will take it, and the close has already given back what it found.
         */
        List<Unused> keep(Grant grant, Admission.Admitted admitted, long sentNanos) {
            var fresh = new Allowance(grant, admitted, sentNanos + grant.validFor().toNanos(),
                    new AtomicInteger(grant.more()));
            Allowance old = slot.allowance;
            slot.allowance = fresh;
            var back = new ArrayList<Unused>(2);
            int left = old == null ? 0 : old.left.getAndSet(0);
            // Both valid until the end of the same second of the store's clock, each bound safe.
            if (left > 0 && old.grant.countedIn() == grant.countedIn()) {
                fresh.left.addAndGet(left);
            } else if (left > 0) {
                back.add(new Unused(parties, old.grant, left));
            }
            // Read after the new allowance is in place: either the close found it, or this sees closed.
            if (closed) {
                int unused = fresh.left.getAndSet(0);
                if (unused > 0) {
                    back.add(new Unused(parties, grant, unused));
                }
            }
            return back;
        }

        @Override
        public void close() {
            slot.renewing.set(false);
            slot.renewed.countDown();
        }
    }

    private static final class Slot {
        private final AtomicBoolean renewing = new AtomicBoolean();
        // Counted down when the renewal under way ends: callers that found the allowance empty wait on it.
        private volatile CountDownLatch renewed = new CountDownLatch(0);
        private final AtomicInteger thisSecond = new AtomicInteger();
        private volatile Allowance allowance;
        private volatile long second;
        private volatile int lastSecond;

        // Counts an admission in this replica's second (a sizing estimate: races only blur it).
        void count(long now) {
            long s = now / SECOND_NANOS;
            if (s != second) {
                synchronized (this) {
                    if (s != second) {
                        lastSecond = s == second + 1 ? thisSecond.get() : 0;
                        thisSecond.set(0);
                        second = s;
                    }
                }
            }
            thisSecond.incrementAndGet();
        }

        int wanted(int most) {
            return Math.min(most, lastSecond / 8);
        }

        // Takes the right to renew; false when a renewal is under way. Its end is what waiting
        // callers await (a caller that reads the latch before this one is set finds the previous,
        // counted down, and asks the store itself).
        boolean startRenewal() {
            if (!renewing.compareAndSet(false, true)) {
                return false;
            }
            renewed = new CountDownLatch(1);
            return true;
        }
    }

    private final int most;
    private final Renewer renewer;
    private final ConcurrentHashMap<List<LimitedParty>, Slot> slots = new ConcurrentHashMap<>();
    // Set by close(): a renewal that ends afterwards gives its grant back rather than keeping it.
    private volatile boolean closed;

    /**
     * @param most    the most requests one grant may ask for, at least two (one would grant nothing ahead)
     * @param renewer renews an allowance ahead of time; called on a new virtual thread
     */
    Allowances(int most, Renewer renewer) {
        if (most < 2) {
            throw new IllegalArgumentException("an allowance asks for at least two requests, not " + most);
        }
        this.most = most;
        this.renewer = renewer;
    }

    /**
     * One request of the parties' allowance, or null when there is none: then ask the store. When
     * a quarter of the allowance is handed out, its renewal starts in the background.
     */
    Admission.Admitted take(List<LimitedParty> parties, Instant at) {
        long now = System.nanoTime();
        Slot slot = slots.computeIfAbsent(parties, p -> new Slot());
        slot.count(now);
        Allowance allowance = slot.allowance;
        if (allowance == null) {
            return null;
        }
        Admission.Admitted admitted = allowance.take(now);
        if (admitted != null && allowance.low() && !slot.renewing.get()) {
            int wanted = slot.wanted(most);
            if (wanted >= 2 && slot.startRenewal()) {
                var renewal = new Renewal(parties, slot, wanted, null);
                Thread.ofVirtual().name("llm-allowance").start(() -> renewer.renewAhead(parties, renewal, at));
            }
        }
        return admitted;
    }

    /**
     * The right to renew the parties' allowance now, the asking request included; null when another
     * renewal is under way (then ask the store for one request) or when their rate is too low for an
     * allowance to pay. The allowance it replaces is retired at once: what it left unused is in
     * {@link Renewal#unused}.
     */
    Renewal renew(List<LimitedParty> parties) {
        Slot slot = slots.computeIfAbsent(parties, p -> new Slot());
        int wanted = slot.wanted(most);
        if (wanted < 2 && slot.allowance == null || !slot.startRenewal()) {
            return null;
        }
        Allowance old = slot.allowance;
        slot.allowance = null;
        int left = old == null ? 0 : old.left.getAndSet(0);
        return new Renewal(parties, slot, Math.max(1, wanted), left > 0 ? new Unused(parties, old.grant, left) : null);
    }

    /**
     * Waits for the renewal of the parties' allowance under way (at most {@code patience}) and takes
     * one request of it; null when there is none, or nothing to take. A caller that found the
     * allowance empty waits rather than asking the store for one request: on a busy core, the
     * callers asking one by one would delay the renewal's own round trip, and cost one each.
     */
    Admission.Admitted afterRenewal(List<LimitedParty> parties, Duration patience) {
        Slot slot = slots.get(parties);
        if (slot == null) {
            return null;
        }
        // A renewal that ended since the caller found the allowance empty has left a new one.
        if (slot.renewing.get()) {
            try {
                if (!slot.renewed.await(patience.toNanos(), TimeUnit.NANOSECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
        }
        Allowance allowance = slot.allowance;
        return allowance == null ? null : allowance.take(System.nanoTime());
    }

    /**
     * Takes what allowances whose time has passed left unused (all of them when {@code all}), and
     * forgets parties idle for a while.
     */
    List<Unused> expired(boolean all) {
        long now = System.nanoTime();
        var unused = new ArrayList<Unused>();
        slots.forEach((parties, slot) -> {
            Allowance allowance = slot.allowance;
            if (allowance != null && (all || now - allowance.validUntil >= 0)) {
                int left = allowance.left.getAndSet(0);
                if (left > 0) {
                    unused.add(new Unused(parties, allowance.grant, left));
                }
            }
            if ((allowance == null || now - allowance.validUntil - IDLE_NANOS >= 0)
                    && now / SECOND_NANOS - slot.second > IDLE_NANOS / SECOND_NANOS && !slot.renewing.get()) {
                slots.remove(parties, slot);
            }
        });
        return unused;
    }

    /**
     * Closes the allowances: waits for renewals under way (at most {@code patience} in all), then
     * takes what every allowance left unused, to be given back. A renewal that ends later returns its
     * grant from {@link Renewal#keep}.
     */
    List<Unused> close(Duration patience) {
        closed = true;
        long deadline = System.nanoTime() + patience.toNanos();
        for (Slot slot : slots.values()) {
            long wait = deadline - System.nanoTime();
            if (slot.renewing.get() && wait > 0) {
                try {
                    slot.renewed.await(wait, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        return expired(true);
    }
}
