package io.llmclient.application.resilience;

import io.llmclient.domain.failure.LlmFailure;
import java.time.Duration;
import java.util.Objects;

/** What the retry policy decided about one failed attempt. */
public sealed interface RetryDecision {

    /**
     * Try again after {@code delay}. {@code reason} is the {@code llm_retries_total} label;
     * {@code rateLimit} says the wait holds the provider's rate-limit gate for everyone.
     */
    record Retry(Duration delay, String reason, boolean rateLimit) implements RetryDecision {
        public Retry {
            Objects.requireNonNull(delay, "delay");
            Objects.requireNonNull(reason, "reason");
        }
    }

    /** Stop and answer with this failure. */
    record GiveUp(LlmFailure failure) implements RetryDecision {
        public GiveUp {
            Objects.requireNonNull(failure, "failure");
        }
    }
}
