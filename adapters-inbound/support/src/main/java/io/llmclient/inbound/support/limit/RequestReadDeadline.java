package io.llmclient.inbound.support.limit;

import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import io.llmclient.application.deadline.DeadlineSweeper;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@code LLM_REQUEST_READ_TIMEOUT}: a request's headers and body must arrive within this time of
 * its first line, so that a client trickling bytes (slowloris) cannot hold a connection, a thread
 * and a slot for as long as it likes. Registered as Helidon's HTTP/1 receive listener, it arms
 * one deadline per request when the request line has been read; {@code RequestBodyFilter} turns it
 * to the body phase while it reads the body and disarms it once the body is in.
 *
 * <p>Past the deadline, a request still in its headers has its connection closed (nginx's
 * {@code client_header_timeout} does the same), and one in its body is answered 408 in its
 * surface's shape, then its connection is closed. Every deadline is watched by one
 * {@link DeadlineSweeper} rather than by socket timeouts, which cost a timer per read (decision 14).
 * The request line itself is bounded by Helidon's idle-connection timeout, which closes a
 * connection that is still reading it.
 *
 * <p>Helidon serves each connection on one virtual thread, and the listener's callbacks, the
 * filters and the handlers of its requests all run on it, so the deadline of the request being
 * read is found through that thread.
 */
public final class RequestReadDeadline implements Http1ConnectionListener {
    private static final Duration TICK = Duration.ofMillis(50);
    private static final int IDLE_TICKS = 100;

    private final Duration timeout;
    private final DeadlineSweeper<Watch> sweeper = new DeadlineSweeper<>("request-read-deadline", TICK, IDLE_TICKS);
    private final ThreadLocal<Watch> current = new ThreadLocal<>();

    /** @param timeout from the request line to the last body byte; > 0 */
    public RequestReadDeadline(Duration timeout) {
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be > 0: " + timeout);
        }
        this.timeout = timeout;
    }

    /** The configured time from the request line to the last body byte. */
    public Duration timeout() {
        return timeout;
    }

    @Override
    public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
        Watch previous = current.get();
        if (previous != null) {
            // A request Helidon answered by itself (a malformed header, say) never reached the filter.
            previous.disarm();
        }
        var watch = new Watch(Thread.currentThread(), System.nanoTime() + timeout.toNanos(), true);
        current.set(watch);
        sweeper.add(watch);
    }

    /**
     * The deadline of the request this thread is serving; an unwatched one when there is none (a
     * server built without this listener, as in some tests).
     */
    public Watch ofCurrentRequest() {
        Watch watch = current.get();
        return watch == null ? new Watch(Thread.currentThread(), Long.MAX_VALUE, false) : watch;
    }

    /** One request's read deadline, in one of its phases. */
    public final class Watch extends DeadlineSweeper.Watched {
        private static final int HEADERS = 0;
        private static final int BODY = 1;
        private static final int DONE = 2;
        private static final int EXPIRING = 3;
        private static final int EXPIRED = 4;

        private final Thread reader;
        private final long deadlineNanos;
        private final boolean watched;
        private final AtomicInteger phase = new AtomicInteger(HEADERS);
        private volatile Runnable answerOnExpiry = () -> { };

        private Watch(Thread reader, long deadlineNanos, boolean watched) {
            this.reader = reader;
            this.deadlineNanos = deadlineNanos;
            this.watched = watched;
        }

        @Override
        public long deadlineNanos() {
            return deadlineNanos;
        }

        /**
         * The body is being read: past the deadline, {@code answer} sends the 408 (from the
         * watchdog's thread, while the reader is blocked) before the connection is closed.
         *
         * @return false when the deadline has already passed: the connection is being closed
         */
        public boolean readingBody(Runnable answer) {
            answerOnExpiry = answer;
            return !watched || phase.compareAndSet(HEADERS, BODY) || awaitExpired();
        }

        /**
         * The request has been read in time, or needs no more reading.
         *
         * @return false when the deadline passed first: the 408 (if any) has been sent, and the
         *         caller must close the connection without answering
         */
        public boolean disarm() {
            sweeper.remove(this);
            return phase.compareAndSet(HEADERS, DONE) || phase.compareAndSet(BODY, DONE) || phase.get() == DONE
                    || awaitExpired();
        }

        @Override
        public void expire() {
            sweeper.remove(this);
            boolean inBody = phase.compareAndSet(BODY, EXPIRING);
            if (!inBody && !phase.compareAndSet(HEADERS, EXPIRING)) {
                return;
            }
            if (inBody) {
                try {
                    answerOnExpiry.run();
                } catch (RuntimeException | Error gone) {
                    // The client may have gone as well; the connection is closed below either way.
                }
            }
            // A virtual thread blocked reading its socket is woken by the interrupt, which closes
            // the socket; Helidon then ends the connection.
            reader.interrupt();
            phase.set(EXPIRED);
        }

        /** Waits until the watchdog has sent its answer and interrupted, then clears that interrupt. */
        private boolean awaitExpired() {
            while (phase.get() == EXPIRING) {
                Thread.onSpinWait();
            }
            if (reader == Thread.currentThread()) {
                Thread.interrupted();
            }
            return false;
        }
    }
}
