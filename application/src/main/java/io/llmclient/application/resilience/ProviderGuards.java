package io.llmclient.application.resilience;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.chat.ProviderId;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The per-provider state of resilience: one rate-limit gate and one circuit breaker for each
 * provider, made on first use. Its {@link #availability} is the guard the provider registry
 * consults, so an open circuit shows in {@code /health}, {@code llm.models} and selection alike.
 * With several replicas the gates and breakers share their pauses and circuits through a
 * {@link ProviderHealth}; alone, through {@link ProviderHealth#inProcess()}.
 */
public final class ProviderGuards {
    private final ResilienceSettings settings;
    private final TimeSource time;
    private final Sleeper sleeper;
    private final ProviderHealth health;
    private final ConcurrentHashMap<ProviderId, Guard> guards = new ConcurrentHashMap<>();

    /** What one provider is guarded by. */
    record Guard(RateLimitGate gate, CircuitBreaker breaker) {
    }

    /** Guards of one replica alone. */
    public ProviderGuards(ResilienceSettings settings, TimeSource time, Sleeper sleeper) {
        this(settings, time, sleeper, ProviderHealth.inProcess());
    }

    /** Guards that share pauses and circuits with other replicas through {@code health}. */
    public ProviderGuards(ResilienceSettings settings, TimeSource time, Sleeper sleeper, ProviderHealth health) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.time = Objects.requireNonNull(time, "time");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        this.health = Objects.requireNonNull(health, "health");
    }

    /** Up unless the provider's circuit is open (or half-open with its probe in flight). */
    public Availability availability(ProviderId provider) {
        // Shared, a provider this replica never called may be open on another one.
        Guard guard = health == ProviderHealth.inProcess() ? guards.get(provider) : of(provider);
        return guard == null ? Availability.up() : guard.breaker().availability();
    }

    /** Callers waiting now in the provider's rate-limit queue. */
    public int waiting(ProviderId provider) {
        Guard guard = guards.get(provider);
        return guard == null ? 0 : guard.gate().waiting();
    }

    Guard of(ProviderId provider) {
        return guards.computeIfAbsent(provider, id -> new Guard(
                new RateLimitGate(id, settings.queueSize(), time, sleeper, health, settings.maxDelay()),
                new CircuitBreaker(settings.circuitFailureThreshold(), settings.circuitOpenFor(), time, id, health)));
    }
}
