package io.llmclient.domain.failure;

import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Every way a request can fail that the contract names. One record per contract error code;
 * inbound adapters map this family to JSON-RPC codes and HTTP statuses in one place each.
 */
public sealed interface LlmFailure {

    /** A human-readable sentence, safe to return to callers (no secrets, no stack traces). */
    String message();

    /** The contract's name for this failure: {@code data.type} in JSON-RPC, {@code error_type} in metrics. */
    default String type() {
        return switch (this) {
            case InvalidParams ignored -> "InvalidParams";
            case ModelNotAllowed ignored -> "ModelNotAllowedError";
            case ProviderFailed ignored -> "ProviderError";
            case ProviderTimedOut ignored -> "ProviderTimeoutError";
            case RateLimited ignored -> "RateLimitedError";
            case ProviderUnavailable ignored -> "ProviderUnavailableError";
            case Overloaded ignored -> "OverloadedError";
            case QuotaExceeded ignored -> "QuotaExceededError";
            case BudgetExceeded ignored -> "BudgetExceededError";
            case StateUnavailable ignored -> "StateUnavailableError";
        };
    }

    /** Validation failed; every broken field is listed. */
    record InvalidParams(List<FieldError> errors) implements LlmFailure {
        public InvalidParams {
            errors = List.copyOf(errors);
            if (errors.isEmpty()) {
                throw new IllegalArgumentException("InvalidParams needs at least one field error");
            }
        }

        @Override
        public String message() {
            return "Invalid params: " + errors.stream().map(e -> e.field() + " " + e.message())
                    .reduce((a, b) -> a + "; " + b).orElseThrow();
        }
    }

    /** Governance refused the model: it is not on the allow-list. */
    record ModelNotAllowed(String model, List<String> allowedModels) implements LlmFailure {
        public ModelNotAllowed {
            Objects.requireNonNull(model, "model");
            allowedModels = List.copyOf(allowedModels);
        }

        @Override
        public String message() {
            return "Model '" + model + "' is not allowed; allowed models: " + String.join(", ", allowedModels);
        }
    }

    /**
     * The upstream refused or failed after retries. {@code status} is the upstream HTTP status,
     * absent for a connection failure. {@code transientFailure} says whether trying again may
     * help; the retry policy in the application reads it.
     */
    record ProviderFailed(ProviderId provider, OptionalInt status, String providerMessage, boolean transientFailure)
            implements LlmFailure {
        public ProviderFailed {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(providerMessage, "providerMessage");
        }

        /** A failure whose transience follows the contract's rule for its status. */
        public ProviderFailed(ProviderId provider, OptionalInt status, String providerMessage) {
            this(provider, status, providerMessage, isTransientStatus(status));
        }

        /**
         * The contract's transient set (section 2, LLM_MAX_RETRIES): a connection failure (no
         * status), 408, 409, any 5xx, and 529. Providers override it when they know better,
         * for example from an {@code x-should-retry} header.
         */
        public static boolean isTransientStatus(OptionalInt status) {
            if (status.isEmpty()) {
                return true;
            }
            int code = status.getAsInt();
            return code == 408 || code == 409 || code >= 500;
        }

        @Override
        public String message() {
            return "Provider " + provider + " failed"
                    + (status.isPresent() ? " with HTTP " + status.getAsInt() : "") + ": " + providerMessage;
        }
    }

    /** The upstream did not answer in time, after retries. */
    record ProviderTimedOut(ProviderId provider, Duration timeout) implements LlmFailure {
        public ProviderTimedOut {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(timeout, "timeout");
        }

        @Override
        public String message() {
            return "Provider " + provider + " timed out after " + timeout.toMillis() + " ms";
        }
    }

    /** Still rate limited after retries, or the wait the provider asked for is above the cap. */
    record RateLimited(ProviderId provider, Optional<Duration> retryAfter) implements LlmFailure {
        public RateLimited {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        @Override
        public String message() {
            return "Provider " + provider + " is rate limiting requests"
                    + retryAfter.map(d -> "; retry after " + d.toMillis() / 1000.0 + " s").orElse("");
        }
    }

    /**
     * No available provider can serve the request: the model's provider has no key or its
     * circuit is open, or no allowed model exists for the requested tier.
     */
    record ProviderUnavailable(Optional<ProviderId> provider, Optional<String> model, Optional<ModelTier> tier,
                               String reason) implements LlmFailure {
        public ProviderUnavailable {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(tier, "tier");
            Objects.requireNonNull(reason, "reason");
        }

        /** The model's provider cannot take requests now. */
        public static ProviderUnavailable forModel(String model, ProviderId provider, String reason) {
            return new ProviderUnavailable(Optional.of(provider), Optional.of(model), Optional.empty(), reason);
        }

        /** No allowed, available model serves the tier. */
        public static ProviderUnavailable forTier(ModelTier tier, String reason) {
            return new ProviderUnavailable(Optional.empty(), Optional.empty(), Optional.of(tier), reason);
        }

        @Override
        public String message() {
            return reason;
        }
    }

    /**
     * One of the service's own limits is full, so the call is refused at once instead of waiting:
     * the queue of callers waiting for a rate-limited provider, or the bytes that all upstream
     * answers being buffered may hold together. Neither says anything about the provider, so it is
     * never retried and never counted by the circuit breaker.
     */
    record Overloaded(ProviderId provider, Limit limit) implements LlmFailure {
        public Overloaded {
            Objects.requireNonNull(provider, "provider");
            Objects.requireNonNull(limit, "limit");
        }

        /** The rate-limit queue of {@code queueSize} callers is full. */
        public Overloaded(ProviderId provider, int queueSize) {
            this(provider, new RateLimitQueue(queueSize));
        }

        /** Which limit was full; the inbound adapters name it in {@code data}. */
        public sealed interface Limit permits RateLimitQueue, ResponseBuffer {
        }

        /** The callers that may wait for a rate-limited provider ({@code LLM_RATE_LIMIT_QUEUE_SIZE}). */
        public record RateLimitQueue(int size) implements Limit {
        }

        /** The bytes of upstream answers all calls may buffer at once ({@code LLM_RESPONSE_BUFFER_BYTES}). */
        public record ResponseBuffer(long bytes) implements Limit {
        }

        @Override
        public String message() {
            return switch (limit) {
                case RateLimitQueue queue -> "Too many requests waiting for provider " + provider + " (queue of "
                        + queue.size() + " is full)";
                case ResponseBuffer buffer -> "Too many large answers being read at once: the answer of provider "
                        + provider + " does not fit in the " + buffer.bytes()
                        + " bytes all upstream answers share (LLM_RESPONSE_BUFFER_BYTES); try again shortly";
            };
        }
    }

    /**
     * A per-caller limit refused the request before any provider was called (contract section 10):
     * {@code principal} is the key or team whose limit was reached, {@code retryAfter} when the
     * window frees enough (absent for {@code max_parallel}).
     */
    record QuotaExceeded(String principal, QuotaLimit limit, Optional<Duration> retryAfter) implements LlmFailure {
        public QuotaExceeded {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(limit, "limit");
            Objects.requireNonNull(retryAfter, "retryAfter");
        }

        @Override
        public String message() {
            return switch (limit) {
                case RPM -> "Rate limit of '" + principal + "' reached: too many requests in the last 60 s";
                case TPM -> "Token limit of '" + principal + "' reached: too many tokens in the last 60 s";
                case MAX_PARALLEL -> "Parallel request limit of '" + principal + "' reached: too many requests "
                        + "in flight";
            } + retryAfter.map(wait -> "; retry after " + QuotaLimit.wholeSecondsUp(wait) + " s").orElse("");
        }
    }

    /** The limits of contract section 10, named as in {@code data.limit} and metric labels. */
    enum QuotaLimit {
        RPM, TPM, MAX_PARALLEL;

        /** {@code rpm}, {@code tpm} or {@code max_parallel}. */
        public String wireName() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        /** A wait in whole seconds, rounded up and at least 1, as {@code Retry-After} gives it. */
        public static long wholeSecondsUp(Duration wait) {
            long seconds = wait.getSeconds() + (wait.getNano() > 0 ? 1 : 0);
            return Math.max(1, seconds);
        }
    }

    /**
     * The key's or its team's spend for the current period is at or above its budget (contract
     * section 10). {@code resetsAt} is absent for a {@code total} budget.
     */
    record BudgetExceeded(String principal, NanoUsd budget, NanoUsd spent, BudgetPeriod period,
                          Optional<Instant> resetsAt) implements LlmFailure {
        public BudgetExceeded {
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(budget, "budget");
            Objects.requireNonNull(spent, "spent");
            Objects.requireNonNull(period, "period");
            Objects.requireNonNull(resetsAt, "resetsAt");
        }

        @Override
        public String message() {
            return "Budget of '" + principal + "' is spent: " + spent.usd().toPlainString() + " of "
                    + budget.usd().toPlainString() + " USD this " + period.wireName() + " period"
                    + resetsAt.map(at -> "; it resets at " + at).orElse("");
        }
    }

    /**
     * The shared state (contract section 11) did not answer and the failure mode is {@code closed}:
     * the limits and budget of {@code principal} cannot be checked, so its request is refused
     * rather than admitted unchecked. Callers without limits or a budget never see it.
     */
    record StateUnavailable(String principal) implements LlmFailure {
        public StateUnavailable {
            Objects.requireNonNull(principal, "principal");
        }

        @Override
        public String message() {
            return "The limits of '" + principal + "' cannot be checked now: the shared state does not answer; "
                    + "try again shortly";
        }
    }
}
