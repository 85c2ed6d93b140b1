package io.llmclient.application.resilience;

import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.OptionalLong;

/**
 * Provider health of a single replica: there is no one to tell, so events go nowhere and every
 * question is left to the replica's own gates and breakers, which behave exactly as they did
 * before health was shared.
 */
final class InProcessProviderHealth implements ProviderHealth {
    static final InProcessProviderHealth INSTANCE = new InProcessProviderHealth();

    private InProcessProviderHealth() {
    }

    @Override
    public void paused(ProviderId provider, Duration wait) {
        // Nobody else to pause: the replica's own gate holds the wait.
    }

    @Override
    public OptionalLong pausedUntil(ProviderId provider) {
        return OptionalLong.empty();
    }

    @Override
    public SharedCircuit circuit(ProviderId provider) {
        return SharedCircuit.Unknown.INSTANCE;
    }

    @Override
    public void opened(ProviderId provider, Duration openFor, int failures, boolean probeFailed) {
        // The replica's own breaker is the whole truth.
    }

    @Override
    public ProbeClaim claimProbe(ProviderId provider) {
        return ProbeClaim.GRANTED;
    }

    @Override
    public void probeReleased(ProviderId provider) {
        // No lease to give back.
    }

    @Override
    public void closed(ProviderId provider) {
        // The replica's own breaker is the whole truth.
    }
}
