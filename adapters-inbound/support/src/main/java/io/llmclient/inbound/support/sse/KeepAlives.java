package io.llmclient.inbound.support.sse;

import io.llmclient.application.deadline.DeadlineSweeper;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Sends {@code : keep-alive} on every open {@link EventStream} of a surface that has written
 * nothing for its interval, so that a stream waiting for its first token, or for the next one,
 * is not closed as idle by a load balancer or proxy (contract section 14, {@code LLM_SSE_KEEPALIVE}).
 *
 * <p>A stream's own thread is blocked in the provider call while it waits, so the keep-alive
 * has to come from elsewhere. A timer per stream (or per event) is what decision 14 removed: it
 * was the largest CPU cost of a streamed event. So, like {@code WholeCallDeadline}, one
 * {@link DeadlineSweeper} per surface looks at the registered streams every tick and stops after a
 * few ticks without any; a stream costs a list append when it starts and an unlink when it ends.
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
    private final long dueAfterNanos;
    private final DeadlineSweeper<Due> sweeper;
    private final Map<EventStream, Due> due = new ConcurrentHashMap<>();

    /** Keep-alives at least every {@code interval} on each stream that writes nothing. */
    public KeepAlives(Duration interval) {
        if (interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("keep-alive interval must be positive: " + interval);
        }
        this.interval = interval;
        Duration quarter = interval.dividedBy(4);
        Duration tick = quarter.compareTo(MAX_TICK) > 0 ? MAX_TICK : quarter.compareTo(MIN_TICK) < 0 ? MIN_TICK : quarter;
        this.dueAfterNanos = Math.max(0, interval.toNanos() - tick.toNanos());
        this.sweeper = new DeadlineSweeper<>("sse-keep-alive-sweeper", tick, IDLE_TICKS);
    }

    /** The interval this sends keep-alives at. */
    public Duration interval() {
        return interval;
    }

    void add(EventStream stream) {
        var next = new Due(stream);
        due.put(stream, next);
        sweeper.add(next);
    }

    void remove(EventStream stream) {
        Due next = due.remove(stream);
        if (next != null) {
            sweeper.remove(next);
        }
    }

    /** A stream's next keep-alive: due once it has been silent for the interval less one tick. */
    private final class Due extends DeadlineSweeper.Watched {
        private final EventStream stream;

        Due(EventStream stream) {
            this.stream = stream;
        }

        @Override
        public long deadlineNanos() {
            return stream.lastWriteNanos() + dueAfterNanos;
        }

        @Override
        public void expire() {
            if (stream.claimKeepAlive()) {
                Thread.ofVirtual().name("sse-keep-alive").start(() -> stream.keepAlive(dueAfterNanos));
            }
        }
    }
}
