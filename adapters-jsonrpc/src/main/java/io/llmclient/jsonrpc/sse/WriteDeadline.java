package io.llmclient.jsonrpc.sse;

import java.time.Duration;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Bounds how long one write to a client may block. A client that stops reading fills the socket
 * buffers, and then the writing thread blocks in the socket write, which has no timeout of its
 * own. Past the limit the writing (virtual) thread is interrupted: a virtual thread blocked in
 * socket I/O then has its socket closed and the write fails, so the stream ends as if the
 * client had disconnected.
 *
 * <p>The interrupt is only ever delivered while a write is under way, and cleared again before
 * the writer goes on, so it can never hit the provider's own blocking calls.
 */
final class WriteDeadline {
    // One platform timer thread for the whole process: it only delivers interrupts. Cancelled
    // timers leave the queue at once, so it holds one entry per write under way, not per event sent.
    private static final ScheduledThreadPoolExecutor TIMER = timer();

    private final Duration limit;
    private final Thread writer;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean writing;
    private boolean expired;

    WriteDeadline(Duration limit, Thread writer) {
        this.limit = limit;
        this.writer = writer;
    }

    /** Runs one write; throws {@link ClientGone} when it was still blocked at the limit. */
    void write(Runnable write) {
        lock.lock();
        try {
            writing = true;
            expired = false;
        } finally {
            lock.unlock();
        }
        ScheduledFuture<?> timer = TIMER.schedule(this::expire, limit.toNanos(), TimeUnit.NANOSECONDS);
        RuntimeException failed = null;
        try {
            write.run();
        } catch (RuntimeException e) {
            failed = e;
        } finally {
            timer.cancel(false);
        }
        boolean wasExpired;
        lock.lock();
        try {
            writing = false;
            wasExpired = expired;
            if (wasExpired) {
                // expire() interrupted under this lock, so the flag is set by now: clear it here.
                Thread.interrupted();
            }
        } finally {
            lock.unlock();
        }
        if (wasExpired) {
            throw new ClientGone("the client read nothing for " + limit.toMillis() + " ms", failed);
        }
        if (failed != null) {
            throw failed;
        }
    }

    private static ScheduledThreadPoolExecutor timer() {
        var timer = new ScheduledThreadPoolExecutor(1,
                Thread.ofPlatform().daemon().name("sse-write-deadline").factory());
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private void expire() {
        lock.lock();
        try {
            if (writing) {
                expired = true;
                writer.interrupt();
            }
        } finally {
            lock.unlock();
        }
    }
}
