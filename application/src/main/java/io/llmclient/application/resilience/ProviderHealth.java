package io.llmclient.application.resilience;

import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Provider cooldowns and circuits as the replicas share them (contract section 11): what this
 * replica's rate-limit gates and circuit breakers tell the others, and what they learned from them.
 * The guards keep their own state as before and consult this port on top of it, so that one
 * replica's 429 pauses the provider everywhere and one replica's open circuit is open everywhere.
 *
 * <p>Every method but {@link #claimProbe} answers from memory: the request path gains no store
 * round trip. Implementations never throw for a store that does not answer; they answer from what
 * this replica knows instead, so provider health never refuses a request by itself.
 */
public interface ProviderHealth {

    /** This replica holds the provider's gate shut for {@code wait} from now (a retry after a rate limit). */
    void paused(ProviderId provider, Duration wait);

    /**
     * The local monotonic time ({@code TimeSource.nanoTime}) until which the replicas together
     * hold the provider paused; empty when nothing is known beyond this replica's own gate.
     */
    OptionalLong pausedUntil(ProviderId provider);

    /** The provider's circuit as the replicas share it; {@link SharedCircuit.Unknown} leaves it to this replica. */
    SharedCircuit circuit(ProviderId provider);

    /**
     * This replica's circuit opened for {@code openFor}: after {@code failures} consecutive failures
     * or, when {@code probeFailed}, because its probe failed (which re-opens it for all).
     */
    void opened(ProviderId provider, Duration openFor, int failures, boolean probeFailed);

    /**
     * Asks for the single probe of a half-open circuit across replicas. The one call that may reach
     * the store on a request's path, made only by the caller that would send the probe.
     */
    ProbeClaim claimProbe(ProviderId provider);

    /** The probe this replica held ended without a verdict on the provider: another may probe. */
    void probeReleased(ProviderId provider);

    /** The provider answered while its circuit was not closed (a probe's success): closed for all. */
    void closed(ProviderId provider);

    /** One replica alone: nothing is shared, every guard decides on its own state (the default). */
    static ProviderHealth inProcess() {
        return InProcessProviderHealth.INSTANCE;
    }
}
