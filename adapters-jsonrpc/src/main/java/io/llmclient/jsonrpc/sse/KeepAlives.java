package io.llmclient.jsonrpc.sse;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Sends {@code : keep-alive} on every open {@link EventStream} of a surface that has written
 * nothing for its interval, so that a stream waiting for its first token, or for the next one,
 * is not closed as idle by a load balancer or proxy (contract section 14, {@code LLM_SSE_KEEPALIVE}).
 *
 * <p>A stream's own thread is blocked in the provider call while it waits, so the keep-alive
 * has to come from elsewhere. A timer per stream (or per event) is what decision 14 removed: it
 * was the largest CPU cost of a streamed event. So, like {@code WholeCallDeadline}, one sweeper
 * virtual thread per surface looks at the registered streams every tick and stops after a few
 * ticks without any; a stream costs a set insertion when it starts and a removal when it ends.
 * Each keep-alive is written on a virtual thread of its own, so that one client that reads
 * nothing (its write blocks up to the write limit) holds up no other stream's keep-alive.
 *
 * <p>A keep-alive is due once a stream has been silent for the interval less one tick, so the
 * gap between two writes stays within the interval even though the sweeper only looks every tick.
 */
public final class KeepAlives {
    /** The longest tick: a 15 s interval is checked every second. */
    static final Duration MAX_TICK = Duration.ofSeconds(1);
    /** The shortest tick, for intervals under 40 ms (tests). */
    static final Duration MIN_TICK = Duration.ofMillis(10);
    /** How many ticks in a row without a stream the sweeper waits before it stops. */
    static final int IDLE_TICKS = 3;

    private final Duration interval;
    private final Duration tick;
    private final long dueAfterNanos;
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean sweeping = new AtomicBoolean();

    /** Keep-alives at least every {@code interval} on each stream that writes nothing. */
    public KeepAlives(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("keep-alive interval must be positive: " + interval);
        }
        this.interval = interval;
        Duration quarter = interval.dividedBy(4);
        this.tick = quarter.compareTo(MAX_TICK) > 0 ? MAX_TICK : quarter.compareTo(MIN_TICK) < 0 ? MIN_TICK : quarter;
        this.dueAfterNanos = Math.max(0, interval.toNanos() - tick.toNanos());
    }

    /** The interval this sends keep-alives at. */
    public Duration interval() {
        return interval;
    }

    void add(EventStream stream) {
        streams.add(stream);
        if (sweeping.compareAndSet(false, true)) {
            Thread.ofVirtual().name("sse-keep-alive-sweeper").start(this::sweep);
        }
    }

    void remove(EventStream stream) {
        streams.remove(stream);
    }


    /** Runs while streams are open; hands over to a new sweeper when a stream starts as it stops. */
    private void sweep() {
        int idleTicks = 0;
        while (true) {
            try {
                Thread.sleep(tick);
            } catch (InterruptedException stop) {
                sweeping.set(false);
                return;
            }
            long now = System.nanoTime();
            for (EventStream stream : streams) {
                if (now - stream.lastWriteNanos() >= dueAfterNanos && stream.claimKeepAlive()) {
                    Thread.ofVirtual().name("sse-keep-alive").start(() -> stream.keepAlive(dueAfterNanos));
                }
            }
            idleTicks = streams.isEmpty() ? idleTicks + 1 : 0;
            if (idleTicks >= IDLE_TICKS) {
                sweeping.set(false);
                // A stream added after the check above either saw sweeping=false and started a
                // sweeper of its own, or this one takes the flag back and carries on.
                if (streams.isEmpty() || !sweeping.compareAndSet(false, true)) {
                    return;
                }
            }
        }
    }
}
