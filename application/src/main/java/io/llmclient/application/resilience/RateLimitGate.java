package io.llmclient.application.resilience;

import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailureException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;

/**
 * One provider's rate-limit gate. When the provider answered a rate limit and a retry was
 * decided, the gate is held shut until that wait ends; every call to the provider first passes
 * the gate, so other callers wait too instead of earning their own 429. At most
 * {@code capacity} callers wait; one more is refused at once with Overloaded. The caller whose
 * attempt was limited sleeps its own retry delay outside the queue, so a queue of 0 still lets
 * retries happen.
 *
 * <p>With several replicas the gate is also shut while another replica paused the provider
 * ({@link ProviderHealth#pausedUntil}); a shared pause longer than {@code maxDelay} (replicas
 * configured differently) is refused at once as a rate limit, as one seen here would be
 * (contract section 14, shared cooldowns).
 */
final class RateLimitGate {
    private final ProviderId provider;
    private final int capacity;
    private final TimeSource time;
    private final Sleeper sleeper;
    private final ProviderHealth health;
    private final Duration maxDelay;
    private long shutUntilNanos;
    private boolean shut;
    private int waiting;

    RateLimitGate(ProviderId provider, int capacity, TimeSource time, Sleeper sleeper) {
        this(provider, capacity, time, sleeper, ProviderHealth.inProcess(), Duration.ofNanos(Long.MAX_VALUE));
    }

    RateLimitGate(ProviderId provider, int capacity, TimeSource time, Sleeper sleeper, ProviderHealth health,
                  Duration maxDelay) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.capacity = capacity;
        this.time = Objects.requireNonNull(time, "time");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.health = Objects.requireNonNull(health, "health");
        this.maxDelay = Objects.requireNonNull(maxDelay, "maxDelay");
    }

    /** Keeps the gate shut for at least {@code wait} from now (a longer hold already set stays), on every replica. */
    void holdFor(Duration wait) {
        synchronized (this) {
            long until = time.nanoTime() + wait.toNanos();
            if (!shut || until - shutUntilNanos > 0) {
                shutUntilNanos = until;
                shut = true;
            }
        }
        health.paused(provider, wait);
    }

    /**
     * Returns when the gate is open: at once, or after waiting in the queue.
     *
     * @throws LlmFailureException   Overloaded when the queue is full; RateLimited when another
     *                               replica paused the provider for longer than {@code maxDelay}
     * @throws CancellationException the thread was interrupted while waiting (its caller went
     *                               away); the interrupt stays set
     */
    void awaitTurn() {
        Duration remaining;
        synchronized (this) {
            remaining = remaining();
            if (!remaining.isPositive()) {
                return;
            }
            if (remaining.compareTo(maxDelay) > 0) {
                throw new LlmFailureException(new RateLimited(provider, Optional.of(remaining)));
            }
            if (waiting >= capacity) {
                throw new LlmFailureException(new Overloaded(provider, capacity));
            }
            waiting++;
        }
        try {
            while (remaining.isPositive()) {
                sleeper.sleep(remaining);
                synchronized (this) {
                    remaining = remaining();
                }
            }
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            var cancelled = new CancellationException("call cancelled by the caller while queued for " + provider);
            cancelled.initCause(interrupted);
            throw cancelled;
        } finally {
            synchronized (this) {
                waiting--;
            }
        }
    }

    /** Callers waiting now. */
    synchronized int waiting() {
        return waiting;
    }

    private Duration remaining() {
        long now = time.nanoTime();
        long left = shut ? shutUntilNanos - now : 0;
        OptionalLong shared = health.pausedUntil(provider);
        if (shared.isPresent()) {
            left = Math.max(left, shared.getAsLong() - now);
        }
        return Duration.ofNanos(Math.max(0, left));
    }
}
