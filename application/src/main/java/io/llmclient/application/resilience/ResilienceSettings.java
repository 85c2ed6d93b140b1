package io.llmclient.application.resilience;

import java.time.Duration;
import java.util.Objects;

/**
 * The knobs of retries, the rate-limit queue and the circuit breaker (contract sections 2 and 9),
 * as bootstrap read and validated them.
 *
 * @param maxRetries              retries of transient failures (connection, timeout, 408, 409, 5xx, 529)
 * @param rateLimitMaxRetries     retries of rate limits (429, RESOURCE_EXHAUSTED)
 * @param initialDelay            the first back-off delay
 * @param exponentialBase         each further back-off is this many times the previous one
 * @param maxDelay                no back-off is longer; a provider's wait hint above it is not waited for
 * @param queueSize               callers that may wait for a rate-limited provider; one more is refused
 * @param circuitFailureThreshold consecutive failed calls (after their retries) that open a circuit
 * @param circuitOpenFor          how long an open circuit refuses calls before one probe
 */
public record ResilienceSettings(int maxRetries, int rateLimitMaxRetries, Duration initialDelay,
                                 double exponentialBase, Duration maxDelay, int queueSize,
                                 int circuitFailureThreshold, Duration circuitOpenFor) {

    public ResilienceSettings {
        Objects.requireNonNull(initialDelay, "initialDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(circuitOpenFor, "circuitOpenFor");
        if (maxRetries < 0 || rateLimitMaxRetries < 0 || queueSize < 0) {
            throw new IllegalArgumentException("retry counts and the queue size must be >= 0");
        }
        if (initialDelay.isNegative() || maxDelay.isNegative()) {
            throw new IllegalArgumentException("delays must be >= 0");
        }
        if (!(exponentialBase >= 1.0) || Double.isInfinite(exponentialBase)) {
            throw new IllegalArgumentException("the exponential base must be a finite number >= 1");
        }
        if (circuitFailureThreshold < 1 || !circuitOpenFor.isPositive()) {
            throw new IllegalArgumentException("the circuit threshold must be >= 1 and its open time > 0");
        }
    }

    /**
     * One attempt, no waiting, a circuit that never opens: the service as it behaves without
     * resilience, for tools and tests that do not configure it.
     */
    public static ResilienceSettings singleAttempt() {
        return new ResilienceSettings(0, 0, Duration.ZERO, 1.0, Duration.ZERO, 0, Integer.MAX_VALUE,
                Duration.ofSeconds(30));
    }
}
