package io.llmclient.application.deadline;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Bounds a blocking call by a deadline: the call runs on the caller's thread, and a watchdog
 * interrupts that thread once the deadline has passed. A virtual thread's blocking socket read
 * or write is interruptible, so its connection is closed rather than left hanging, and the
 * caller gets the timeout failure. The provider adapters bound each wait for a provider with it
 * (a whole {@code complete}, the headers of a stream, each next event), the inbound adapter each
 * write to a streaming client. It lives here, JDK only, because both adapter families need it
 * and this is the one module both depend on (docs/decisions.md).
 *
 * <p>Why a watchdog and not a timed wait: arming and cancelling a timer per call (a timed
 * {@code Future.get}, a timed park, a socket timeout, a scheduled executor) wakes a timer
 * thread, which the load benchmark measured as the largest single CPU cost of a request and of
 * a streamed event (see docs/decisions.md, 'Our own kept-alive provider connections, no socket
 * timers'). Registering a call here is a
 * list append into a {@link DeadlineSweeper}, which looks at the calls every {@link #TICK} and
 * stops after {@link #IDLE_TICKS} ticks without any. So a call times out between its deadline and
 * one tick later.
 */
public final class WholeCallDeadline {
    /** How often the watchdog looks; also how late past its deadline a call may be stopped. */
    static final Duration TICK = Duration.ofMillis(10);
    /** How many ticks in a row without a call the watchdog waits before it stops (a burst's gaps keep it). */
    static final int IDLE_TICKS = 50;

    private final Duration deadline;
    private final Supplier<? extends RuntimeException> onTimeout;
    private final DeadlineSweeper<Call> sweeper = new DeadlineSweeper<>("whole-call-deadline", TICK, IDLE_TICKS);

    /**
     * @param deadline  how long one whole call may take
     * @param onTimeout what a call that ran out of time throws
     */
    public WholeCallDeadline(Duration deadline, Supplier<? extends RuntimeException> onTimeout) {
        if (deadline.isNegative() || deadline.isZero()) {
            throw new IllegalArgumentException("deadline must be positive: " + deadline);
        }
        this.deadline = deadline;
        this.onTimeout = Objects.requireNonNull(onTimeout, "onTimeout");
    }

    /**
     * The result of {@code exchange}, run on the calling thread within the deadline.
     *
     * @throws RuntimeException      the {@code onTimeout} failure when the deadline passed first
     * @throws CancellationException when the calling thread was interrupted by someone else and
     *                               the exchange failed (its interrupt flag stays set)
     * @throws RuntimeException      whatever unchecked exception or error {@code exchange} threw, as
     *                               it was; a checked one arrives wrapped in an unchecked exception
     */
    public <T> T call(Callable<T> exchange) {
        var call = new Call(Thread.currentThread(), System.nanoTime() + deadline.toNanos());
        sweeper.add(call);
        try {
            T result = runUntilFailure(exchange, call);
            if (!call.finish()) {
                throw onTimeout.get();
            }
            return result;
        } finally {
            sweeper.remove(call);
        }
    }

    private <T> T runUntilFailure(Callable<T> exchange, Call call) {
        try {
            return exchange.call();
        } catch (Exception | Error failure) {
            if (!call.finish()) {
                throw onTimeout.get();
            }
            if (failure instanceof InterruptedException) {
                // Throwing it cleared the flag; the caller's interrupt must stay visible.
                Thread.currentThread().interrupt();
            }
            if (Thread.currentThread().isInterrupted()) {
                throw new CancellationException("call cancelled by the caller");
            }
            throw unchecked(failure);
        }
    }

    private static RuntimeException unchecked(Throwable failure) {
        if (failure instanceof RuntimeException runtime) {
            return runtime;
        }
        if (failure instanceof Error error) {
            throw error;
        }
        return failure instanceof IOException io ? new UncheckedIOException(io) : new IllegalStateException(failure);
    }

    /** Whether the watchdog thread is running; for tests. */
    boolean sweeping() {
        return sweeper.sweeping();
    }

    /** One call in flight: who runs it, when it must end, and whether the watchdog stopped it. */
    private static final class Call extends DeadlineSweeper.Watched {
        private static final int RUNNING = 0;
        private static final int FINISHED = 1;
        private static final int INTERRUPTING = 2;
        private static final int EXPIRED = 3;

        private final Thread runner;
        private final long deadlineNanos;
        private final AtomicInteger state = new AtomicInteger(RUNNING);

        Call(Thread runner, long deadlineNanos) {
            this.runner = runner;
            this.deadlineNanos = deadlineNanos;
        }

        @Override
        public long deadlineNanos() {
            return deadlineNanos;
        }

        /**
         * Interrupts the runner, again at every tick until it finishes: code below the exchange
         * (the HTTP client) may swallow one interrupt, and a call must not outlive its deadline
         * by more than a tick or two because of that.
         */
        @Override
        public void expire() {
            if (state.compareAndSet(RUNNING, INTERRUPTING) || state.compareAndSet(EXPIRED, INTERRUPTING)) {
                runner.interrupt();
                state.set(EXPIRED);
            }
        }

        /**
         * True when the call finished before its deadline. Otherwise waits until an interrupt
         * being delivered has landed and clears it: it was meant for the exchange, not for
         * whatever the caller does next.
         */
        boolean finish() {
            while (true) {
                if (state.compareAndSet(RUNNING, FINISHED)) {
                    return true;
                }
                if (state.compareAndSet(EXPIRED, FINISHED)) {
                    Thread.interrupted();
                    return false;
                }
                Thread.onSpinWait();
            }
        }
    }
}
