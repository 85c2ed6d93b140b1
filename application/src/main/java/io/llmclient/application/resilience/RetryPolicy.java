package io.llmclient.application.resilience;

import io.llmclient.application.resilience.RetryDecision.GiveUp;
import io.llmclient.application.resilience.RetryDecision.Retry;
import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure.StateUnavailable;
import io.llmclient.domain.failure.LlmFailure;
import java.time.Duration;
import java.util.Objects;
import java.util.function.DoubleSupplier;

/**
 * Which failed attempts are tried again, and after how long. Pure: the answer depends only on
 * the settings, the failure, the retries already made and the random source.
 *
 * <ul>
 *   <li>Rate limits (RateLimited) are retried up to {@code rateLimitMaxRetries}; transient
 *       failures (ProviderTimedOut, ProviderFailed marked transient: connection failure, 408, 409,
 *       5xx, 529) up to {@code maxRetries}. Everything else (400, 401, 403, 404,
 *       insufficient_quota, an unavailable provider, a full queue or response buffer) is never
 *       retried: Overloaded is the service's own limit, and trying again at once only adds load.</li>
 *   <li>A provider's wait hint ({@code retry-after}, {@code retry-after-ms}, Gemini's
 *       RetryInfo) is waited for exactly, as long as it is at most {@code maxDelay}; above it the
 *       RateLimited failure, with its hint, is returned at once.</li>
 *   <li>Otherwise the wait is exponential back-off: {@code d = min(initialDelay * base^n, maxDelay)}
 *       where {@code n} counts the retries already made for the same kind of failure (rate limit
 *       or transient), with <b>equal jitter</b>: a wait drawn uniformly from {@code [d/2, d]}.</li>
 * </ul>
 *
 * <p>Why equal jitter: callers that failed together (a provider hiccup fails many requests at
 * once) must not come back together, so some randomness is needed; "full jitter" (uniform in
 * {@code [0, d]}) spreads them most but may retry at once, which hammers a provider that just
 * said it is overloaded and makes {@code LLM_RETRY_INITIAL_DELAY} meaningless to an operator.
 * Equal jitter keeps at least half the configured pause and never exceeds it, so the settings
 * remain a true upper bound for time budgets. (The official OpenAI and Anthropic SDKs use a
 * narrower spread, up to 25 % shorter.) A provider's own hint gets no jitter: it names the
 * moment the limit lifts, and earlier would fail again.
 */
public final class RetryPolicy {
    private final ResilienceSettings settings;
    private final DoubleSupplier random;

    /** {@code random} returns values uniform in {@code [0, 1)}; tests pass a fixed one. */
    public RetryPolicy(ResilienceSettings settings, DoubleSupplier random) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Decides about a failed attempt.
     *
     * @param transientRetries  transient-failure retries already made for this call
     * @param rateLimitRetries  rate-limit retries already made for this call
     */
    public RetryDecision decide(LlmFailure failure, int transientRetries, int rateLimitRetries) {
        return switch (failure) {
            case RateLimited limited -> rateLimited(limited, rateLimitRetries);
            case ProviderTimedOut timedOut -> transientFailure(timedOut, "timeout", transientRetries);
            case ProviderFailed failed -> failed.transientFailure()
                    ? transientFailure(failed, reason(failed), transientRetries) : new GiveUp(failed);
            case InvalidParams _, ModelNotAllowed _, ProviderUnavailable _, Overloaded _, QuotaExceeded _,
                 BudgetExceeded _, StateUnavailable _ -> new GiveUp(failure);
        };
    }

    /** The back-off wait before retry number {@code retriesDone + 1}, jitter applied. */
    public Duration backoff(int retriesDone) {
        double capSeconds = seconds(settings.maxDelay());
        double exponential = seconds(settings.initialDelay()) * Math.pow(settings.exponentialBase(), retriesDone);
        double full = Math.min(exponential, capSeconds);
        double jittered = full / 2 + random.getAsDouble() * full / 2;
        return Duration.ofNanos(Math.round(jittered * 1e9));
    }

    private RetryDecision rateLimited(RateLimited limited, int retriesDone) {
        if (limited.retryAfter().isPresent() && limited.retryAfter().get().compareTo(settings.maxDelay()) > 0) {
            return new GiveUp(limited);
        }
        if (retriesDone >= settings.rateLimitMaxRetries()) {
            return new GiveUp(limited);
        }
        Duration wait = limited.retryAfter().orElseGet(() -> backoff(retriesDone));
        return new Retry(wait, "rate_limit", true);
    }

    private RetryDecision transientFailure(LlmFailure failure, String reason, int retriesDone) {
        return retriesDone >= settings.maxRetries() ? new GiveUp(failure)
                : new Retry(backoff(retriesDone), reason, false);
    }

    // A small fixed set of label values: statuses are grouped so the series stay few.
    private static String reason(ProviderFailed failed) {
        if (failed.status().isEmpty()) {
            return "connection";
        }
        int status = failed.status().getAsInt();
        return switch (status) {
            case 408 -> "request_timeout";
            case 409 -> "conflict";
            case 529 -> "overloaded";
            default -> status >= 500 ? "server_error" : "other";
        };
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
