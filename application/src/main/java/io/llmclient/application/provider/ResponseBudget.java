package io.llmclient.application.provider;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes of upstream answers that all provider calls together may hold in memory at once
 * ({@code LLM_RESPONSE_BUFFER_BYTES}; see docs/decisions.md, 'Upstream answers share one byte
 * budget'). A call opens a {@link Reservation}, grows it as
 * the bytes of its answer arrive, and closes it when it ends; a call whose bytes do not fit is
 * refused (OverloadedError) instead of buffering them.
 *
 * <p>Why one budget for all calls: the per-answer cap ({@code LLM_MAX_RESPONSE_BYTES}) times the
 * number of callers is not a bound anyone can configure a heap for; 48 callers of 19 MB answers
 * exhausted a 768 MiB heap. With this budget the memory held by answers depends on the setting,
 * not on how many callers ask for large ones at once. One instance per service, created in
 * bootstrap and handed to every provider in its {@link Transport}; thread-safe.
 */
public final class ResponseBudget {
    // Counts nothing, so it holds no state that changes and may be shared: settings built by hand
    // stay equal to each other, as they were before the budget existed.
    private static final ResponseBudget UNLIMITED = new ResponseBudget(Long.MAX_VALUE, false);

    private final long capacity;
    private final boolean counts;
    private final AtomicLong available;

    /** A budget of {@code capacity} bytes, all available. */
    public ResponseBudget(long capacity) {
        this(capacity, true);
    }

    private ResponseBudget(long capacity, boolean counts) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.capacity = capacity;
        this.counts = counts;
        this.available = new AtomicLong(capacity);
    }

    /**
     * The budget of providers built by hand (tests, tools) rather than by the service: it never
     * refuses and counts nothing; {@link Reservation#held()} still tells what a call holds.
     */
    public static ResponseBudget unlimited() {
        return UNLIMITED;
    }

    /** The bytes all calls may hold together. */
    public long capacity() {
        return capacity;
    }

    /** The bytes no call holds now; {@link #capacity()} when no answer is being buffered. */
    public long available() {
        return available.get();
    }

    /** An empty reservation for one call; the call closes it when it ends, whichever way. */
    public Reservation open() {
        return new Reservation();
    }

    private boolean take(long bytes) {
        if (!counts) {
            return true;
        }
        while (true) {
            long left = available.get();
            if (left < bytes) {
                return false;
            }
            if (available.compareAndSet(left, left - bytes)) {
                return true;
            }
        }
    }

    @Override
    public String toString() {
        return "ResponseBudget[" + available() + " of " + capacity + " bytes available]";
    }

    /**
     * What one call holds of the budget. Used by the thread of its call only; closing it gives back
     * everything it holds, and closing it again does nothing.
     */
    public final class Reservation implements AutoCloseable {
        private long held;

        private Reservation() {
        }

        /** Takes {@code bytes} more, or nothing and false when fewer are available. */
        public boolean grow(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("bytes must be >= 0");
            }
            if (!take(bytes)) {
                return false;
            }
            held += bytes;
            return true;
        }

        /** Gives back everything held so far; the reservation may grow again. */
        public void release() {
            if (held > 0 && counts) {
                available.addAndGet(held);
            }
            held = 0;
        }

        /** The bytes this call holds now. */
        public long held() {
            return held;
        }

        /** The size of the budget the reservation draws on, for the refusal to name. */
        public long capacity() {
            return capacity;
        }

        @Override
        public void close() {
            release();
        }
    }
}
