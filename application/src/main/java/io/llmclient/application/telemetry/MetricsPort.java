package io.llmclient.application.telemetry;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;

/**
 * Where the service reports what happens, for the contract's Prometheus series. Calls are
 * cheap and never throw; one request reports {@code started} and then exactly one of
 * {@code succeeded}, {@code failed} or {@code cancelled}.
 */
public interface MetricsPort {

    /** The error type a call whose caller went away is recorded with, when not told apart otherwise. */
    String CLIENT_CANCELLED = "ClientCancelled";

    /** A call to the model's provider begins (active requests go up). */
    void started(ModelEntry model);

    /** The first delta of a stream was handed to the caller, this long after the request arrived. */
    void firstToken(ModelEntry model, Duration timeToFirstToken);

    /** The call ended well (active requests go down). */
    void succeeded(ModelEntry model, Duration latency, Usage usage);

    /** The call ended with a failure of the contract type named (active requests go down). */
    void failed(ModelEntry model, Duration latency, String errorType);

    /**
     * The caller went away before its call ended: a stream's client that can no longer be written
     * to, or a waiting call whose client closed its connection (active requests go down). Not a provider
     * failure and not a bug; by default counted as a failure of type {@value #CLIENT_CANCELLED},
     * so that the request still appears once in the request counters.
     */
    default void cancelled(ModelEntry model, Duration latency) {
        failed(model, latency, CLIENT_CANCELLED);
    }

    /** Governance refused a model; counted apart from provider calls, which it never reaches. */
    void governanceViolation(String attemptedModel, String sourceAgent);

    /**
     * The provider answered an attempt with a rate limit (HTTP 429 or its quota status), whether
     * or not the attempt is retried. Default: nothing, so adapters written before resilience
     * existed still compile; the production metrics implement all three resilience events.
     */
    default void rateLimited(ProviderId provider) {
    }

    /** The wait chosen before retrying a rate-limited attempt (the provider's hint, or back-off). */
    default void rateLimitRetryDelay(ProviderId provider, Duration delay) {
    }

    /**
     * A failed attempt is retried; {@code reason} is one of {@code rate_limit}, {@code timeout},
     * {@code connection}, {@code request_timeout}, {@code conflict}, {@code overloaded},
     * {@code server_error}, {@code other}.
     */
    default void retried(ProviderId provider, String reason) {
    }

    /**
     * What the gateway itself added to one request served by {@code provider}: total time in the
     * service minus time waiting on the provider (for a stream, up to its first delta). Default:
     * nothing, so ports written before this event existed still compile.
     */
    default void overhead(ProviderId provider, Duration overhead) {
    }

    /**
     * A call of {@code principal} on {@code model} ended and cost {@code cost}, for
     * {@code llm_cost_usd_total}. Default: nothing.
     */
    default void charged(ModelEntry model, String principal, NanoUsd cost) {
    }

    /**
     * A request was refused by the {@code limit} ({@code rpm}, {@code tpm}, {@code max_parallel} or
     * {@code budget}) of {@code principal} (the key or team whose limit it was), for
     * {@code llm_quota_rejections_total}. Default: nothing.
     */
    default void quotaRejected(String principal, String limit) {
    }

    /**
     * A call to the shared state named {@code operation} ({@code admit}, {@code settle},
     * {@code standings}, {@code charge}, {@code ping}, ...) took {@code took}; {@code failed} when it
     * did not answer in time or was refused, for {@code llm_state_duration_seconds} and
     * {@code llm_state_errors_total{operation}}. Default: nothing.
     */
    default void stateCall(String operation, Duration took, boolean failed) {
    }

    /**
     * This replica began ({@code true}) or stopped ({@code false}) counting limits in its own memory
     * because the shared state failed open. Default: nothing.
     */
    default void stateFallback(boolean active) {
    }

    /** A port that records nothing, for tests and tools. */
    static MetricsPort none() {
        return new MetricsPort() {
            @Override
            public void started(ModelEntry model) {
            }

            @Override
            public void firstToken(ModelEntry model, Duration timeToFirstToken) {
            }

            @Override
            public void succeeded(ModelEntry model, Duration latency, Usage usage) {
            }

            @Override
            public void failed(ModelEntry model, Duration latency, String errorType) {
            }

            @Override
            public void governanceViolation(String attemptedModel, String sourceAgent) {
            }
        };
    }
}
