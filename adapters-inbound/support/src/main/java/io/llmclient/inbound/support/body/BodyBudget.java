package io.llmclient.inbound.support.body;

import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code LLM_BODY_BUFFER_BYTES}: the bytes of request bodies being read, all requests together.
 * Bodies are read before a request takes an in-flight slot (so slow ones cannot take them all),
 * which leaves this budget as what bounds the memory they hold meanwhile. A body that cannot get
 * its share is refused with 503, in its surface's shape.
 */
public final class BodyBudget {
    private final long capacity;
    private final AtomicLong used = new AtomicLong();

    /** @param capacity bytes; > 0 */
    public BodyBudget(long capacity) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be > 0");
        }
        this.capacity = capacity;
    }

    /** The budget's size in bytes. */
    public long capacity() {
        return capacity;
    }

    /** Bytes held by bodies being read right now; for tests and metrics. */
    public long used() {
        return used.get();
    }

    /** A share for one body, empty until it grows; give it back with {@link Share#close()}. */
    public Share share() {
        return new Share();
    }

    /** What one body holds of the budget. */
    public final class Share implements AutoCloseable {
        private long held;

        private Share() {
        }

        /** Takes {@code bytes} more; false, taking nothing, when the budget has not that much left. */
        public boolean grow(long bytes) {
            long now;
            do {
                now = used.get();
                if (now + bytes > capacity) {
                    return false;
                }
            } while (!used.compareAndSet(now, now + bytes));
            held += bytes;
            return true;
        }

        @Override
        public void close() {
            used.addAndGet(-held);
            held = 0;
        }
    }
}
