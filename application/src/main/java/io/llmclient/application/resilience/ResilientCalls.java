package io.llmclient.application.resilience;

import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.resilience.RetryDecision.GiveUp;
import io.llmclient.application.resilience.RetryDecision.Retry;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ProviderId;
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
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.selection.ModelSelector;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

/**
 * Calls a provider the resilient way, around one complete or stream call of {@code LlmService}:
 * each attempt passes the provider's circuit breaker and rate-limit gate, failed attempts are
 * retried as {@link RetryPolicy} decides, and a request that named a tier, a complexity or
 * nothing (the default) falls back to the next allowed model of its tier on another provider
 * when its provider fails for good. An explicit model is never swapped. Providers only classify
 * failures; every decision about them is made here, so all providers get the same policy.
 *
 * <p>A call whose thread is interrupted (its caller went away, decision 22) ends at once with a
 * {@link CancellationException}, the interrupt kept set: wherever the interrupt lands (the
 * provider's wait, a retry back-off, the rate-limit queue), nothing is retried, no other model is
 * tried, and the provider's circuit gets no verdict, since the provider did nothing wrong.
 */
public final class ResilientCalls {

    /** One provider call as the caller wants it made (complete, or stream into its sink). */
    @FunctionalInterface
    public interface Attempt<T> {
        T run(LlmProvider provider, CallContext context);
    }

    /** Told when a request leaves a failed model for another, so metrics and logs follow. */
    @FunctionalInterface
    public interface FallbackListener {
        void fallingBack(ModelEntry failed, LlmFailure failure, ModelEntry next, String rationale);
    }

    /** The value of the call and the model that served it. */
    public record Served<T>(ModelEntry model, T value) {
        public Served {
            Objects.requireNonNull(model, "model");
        }
    }

    private final RetryPolicy retryPolicy;
    private final ModelSelector selector;
    private final ModelPolicy policy;
    private final ProviderRegistry registry;
    private final ProviderGuards guards;
    private final MetricsPort metrics;
    private final Sleeper sleeper;

    public ResilientCalls(RetryPolicy retryPolicy, ModelPolicy policy, ProviderRegistry registry, ProviderGuards guards,
                          MetricsPort metrics, Sleeper sleeper) {
        this.retryPolicy = Objects.requireNonNull(retryPolicy, "retryPolicy");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.selector = new ModelSelector(policy);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.guards = Objects.requireNonNull(guards, "guards");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    /**
     * Runs {@code attempt} on the model selection chose, retrying and falling back as needed.
     *
     * @param committed true once the caller has received output (a stream's first delta): from
     *                  then on a failure is neither retried nor sent to another model
     * @throws LlmFailureException   the failure that ended the last model tried
     * @throws CancellationException the calling thread was interrupted: the caller went away
     */
    public <T> Served<T> call(ChatRequest request, ModelEntry chosen, Attempt<T> attempt, BooleanSupplier committed,
                              FallbackListener listener) {
        return call(request, policy.allowList(), chosen, attempt, committed, listener);
    }

    /**
     * As {@link #call(ChatRequest, ModelEntry, Attempt, BooleanSupplier, FallbackListener)}, falling
     * back only to models of {@code allowed} (the caller's effective allow-list).
     */
    public <T> Served<T> call(ChatRequest request, AllowList allowed, ModelEntry chosen, Attempt<T> attempt,
                              BooleanSupplier committed, FallbackListener listener) {
        ModelEntry model = chosen;
        Set<ProviderId> tried = new LinkedHashSet<>();
        while (true) {
            tried.add(model.provider());
            try {
                return new Served<>(model, onModel(request, model, attempt, committed));
            } catch (LlmFailureException failure) {
                if (Thread.currentThread().isInterrupted()) {
                    throw cancelled(failure);
                }
                if (committed.getAsBoolean() || !fallbackMayHelp(failure.failure())) {
                    throw failure;
                }
                Optional<ModelEntry> next = selector.fallbacks(request, allowed, model, tried).stream()
                        .filter(candidate -> registry.available(candidate.provider()))
                        .findFirst();
                if (next.isEmpty()) {
                    throw failure;
                }
                listener.fallingBack(model, failure.failure(), next.get(), "fallback: " + model.id() + " (provider "
                        + model.provider() + ") failed with " + failure.failure().type() + " ("
                        + failure.failure().message() + ") -> " + next.get().id() + " (provider "
                        + next.get().provider() + ")");
                model = next.get();
            }
        }
    }

    // Retries on one model: the breaker's permit covers the whole run of attempts, because the
    // circuit counts calls that failed after their retries, not single attempts.
    private <T> T onModel(ChatRequest request, ModelEntry model, Attempt<T> attempt, BooleanSupplier committed) {
        ProviderId id = model.provider();
        LlmProvider provider = registry.provider(id).orElseThrow(() -> new IllegalStateException(
                "selection chose model " + model.id() + " of unregistered provider " + id));
        ProviderGuards.Guard guard = guards.of(id);
        CircuitBreaker.Permit permit = guard.breaker().tryAcquire();
        if (permit == null) {
            throw new LlmFailureException(ProviderUnavailable.forModel(model.id(), id, "Provider '" + id
                    + "' for model '" + model.id() + "' is unavailable: " + guard.breaker().availability().reason()));
        }
        var context = new CallContext(model, request.context());
        int transientRetries = 0;
        int rateLimitRetries = 0;
        boolean judged = false;
        try {
            while (true) {
                // A full queue never reached the provider: no verdict on it (the finally gives the permit back).
                guard.gate().awaitTurn();
                try {
                    T value = attempt.run(provider, context);
                    judged = true;
                    guard.breaker().succeeded(permit);
                    return value;
                } catch (LlmFailureException thrown) {
                    if (Thread.currentThread().isInterrupted()) {
                        // Whatever the attempt says, it was cut short by the caller leaving (a provider
                        // may name an interrupted read as a failure of its own): no verdict, no retry.
                        throw cancelled(thrown);
                    }
                    LlmFailure failure = thrown.failure();
                    if (failure instanceof RateLimited) {
                        metrics.rateLimited(id);
                    }
                    RetryDecision decision = committed.getAsBoolean() ? new GiveUp(failure)
                            : retryPolicy.decide(failure, transientRetries, rateLimitRetries);
                    switch (decision) {
                        case GiveUp giveUp -> {
                            judged = true;
                            verdict(guard.breaker(), permit, giveUp.failure());
                            throw thrown;
                        }
                        case Retry retry -> {
                            if (retry.rateLimit()) {
                                rateLimitRetries++;
                                guard.gate().holdFor(retry.delay());
                                metrics.rateLimitRetryDelay(id, retry.delay());
                            } else {
                                transientRetries++;
                            }
                            metrics.retried(id, retry.reason());
                            pause(retry, thrown);
                        }
                    }
                }
            }
        } finally {
            if (!judged) {
                // Ended without a verdict on the provider: a full queue, a cancelled call, a bug, or
                // an Error such as OutOfMemoryError. A probe's slot must come back whatever was thrown, or
                // a half-open circuit would wait for its probe for good.
                guard.breaker().released(permit);
            }
        }
    }

    private void pause(Retry retry, LlmFailureException cause) {
        try {
            sleeper.sleep(retry.delay());
        } catch (InterruptedException interrupted) {
            // The caller went away during the back-off: stop here, as cancelled, not as the last failure.
            Thread.currentThread().interrupt();
            throw cancelled(cause);
        }
    }

    /** The caller went away; {@code cause} is what the call was doing then. The interrupt stays set. */
    private static CancellationException cancelled(Throwable cause) {
        var cancelled = new CancellationException("call cancelled by the caller");
        cancelled.initCause(cause);
        return cancelled;
    }

    private static void verdict(CircuitBreaker breaker, CircuitBreaker.Permit permit, LlmFailure failure) {
        switch (failure) {
            case ProviderTimedOut _ -> breaker.failed(permit);
            case ProviderFailed failed -> {
                if (failed.transientFailure()) {
                    breaker.failed(permit);
                } else {
                    breaker.succeeded(permit);
                }
            }
            case RateLimited _ -> breaker.succeeded(permit);
            case InvalidParams _, ModelNotAllowed _, ProviderUnavailable _, Overloaded _, QuotaExceeded _,
                 BudgetExceeded _, StateUnavailable _ -> breaker.released(permit);
        }
    }

    // Another provider may serve what this one could not; only refusals of the request itself
    // (which never come from a provider) would fail the same way everywhere. And a full response
    // buffer: the budget is shared by every provider, so another model's answer would need the same
    // bytes, and a second upstream call (paid for again) is the last thing a service short of memory needs.
    private static boolean fallbackMayHelp(LlmFailure failure) {
        return switch (failure) {
            case ProviderFailed _, ProviderTimedOut _, RateLimited _, ProviderUnavailable _ -> true;
            case Overloaded overloaded -> overloaded.limit() instanceof Overloaded.RateLimitQueue;
            case InvalidParams _, ModelNotAllowed _, QuotaExceeded _, BudgetExceeded _, StateUnavailable _ -> false;
        };
    }
}
