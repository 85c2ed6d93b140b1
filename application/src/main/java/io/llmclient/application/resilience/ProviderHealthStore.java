package io.llmclient.application.resilience;

import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the replicas keep provider cooldowns and circuits (Redis): one atomic step per method, on
 * the store's own clock, everything with a TTL. {@link io.llmclient.application.state.SharedProviderHealth} calls it through the
 * state link, only on events and from its background poll, never per successful call.
 * Every method throws {@link io.llmclient.application.state.StateUnavailableException} when the
 * store does not answer.
 */
public interface ProviderHealthStore {

    /** Pauses the provider for {@code wait} from now; a pause that ends later already stays. */
    void pause(ProviderId provider, Duration wait);

    /**
     * Opens the circuit for {@code openFor} from now with its {@code failures}. A circuit still in
     * its open time, or with its probe out, stays as it is, unless {@code reopen} (a failed probe),
     * which starts a new open time and frees the probe.
     */
    void open(ProviderId provider, Duration openFor, int failures, boolean reopen);

    /**
     * Claims the probe of a circuit whose open time is over, for {@code lease} (after which it is
     * free again, should its replica die): granted to one caller across replicas.
     */
    ProbeClaim claimProbe(ProviderId provider, String holder, Duration lease);

    /** Frees the probe, if {@code holder} still holds it. */
    void releaseProbe(ProviderId provider, String holder);

    /** Closes the circuit for all (and frees the probe). */
    void close(ProviderId provider);

    /** What is stored for {@code providers}, in one round trip; a provider with nothing stored maps to {@link Reading#NOTHING}. */
    Map<ProviderId, Reading> read(Collection<ProviderId> providers);

    /**
     * One provider's stored health, durations measured on the store's clock when it answered.
     *
     * @param pausedFor time left of its cooldown (zero when none)
     * @param circuit   its circuit when not closed
     */
    record Reading(Duration pausedFor, Optional<StoredCircuit> circuit) {
        /** Not paused, circuit closed. */
        public static final Reading NOTHING = new Reading(Duration.ZERO, Optional.empty());

        public Reading {
            Objects.requireNonNull(pausedFor, "pausedFor");
            Objects.requireNonNull(circuit, "circuit");
        }
    }

    /**
     * A circuit that is not closed.
     *
     * @param openFor  time left of its open time; zero or negative once it is half-open
     * @param failures the consecutive failures that opened it
     * @param probeOut true while a replica holds its probe
     */
    record StoredCircuit(Duration openFor, int failures, boolean probeOut) {
        public StoredCircuit {
            Objects.requireNonNull(openFor, "openFor");
        }
    }
}
