package io.llmclient.bootstrap.state;

import io.llmclient.application.governance.InProcessQuotaState;
import io.llmclient.application.governance.QuotaState;
import io.llmclient.application.governance.SharedQuotaState;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.resilience.ProviderHealth;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.state.SharedProviderHealth;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.bootstrap.config.ServiceConfig.SharedState;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.state.redis.RedisProviderHealth;
import io.llmclient.state.redis.RedisQuotaState;
import io.llmclient.state.redis.RedisStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.IntSupplier;

/**
 * The state the configuration asks for (contract section 11): in process without
 * {@code LLM_STATE_URL}, else Redis behind a {@link StateLink} with the configured failure mode,
 * for per-caller limits and spend and for provider pauses and circuits. Owns the Redis
 * connections, the link's probe and the provider-health poll; closed with the server.
 */
public final class SharedStateWiring implements AutoCloseable {
    /** The {@code /health} check's name. */
    public static final String CHECK = "state";

    // A dead replica's in-flight places are freed this long after the party's last admission; a live
    // stream outlasting it is only counted short until it ends (docs/decisions.md section 32).
    private static final Duration IN_FLIGHT_TTL = Duration.ofMinutes(5);
    // Calls beyond this many at once wait for a connection, within the timeout; each request holds
    // one for a round trip of well under a millisecond on a nearby Redis.
    private static final int MAX_CONNECTIONS = 64;
    // While Redis does not answer, it is pinged this often to find it back.
    private static final Duration PROBE_EVERY = Duration.ofMillis(500);

    // Settlements waiting to be sent after their answers; beyond this many (Redis slower than the
    // traffic) requests settle before answering again (decision 40).
    private static final int SETTLEMENTS_WAITING = 10_000;
    // How long a settlement waits for others of its parties to be sent with it in one step: what
    // other replicas see of its tokens and spend lags by at most this (decision 43).
    private static final Duration SETTLEMENT_LINGER = Duration.ofMillis(20);
    // The most requests one admission step grants a replica ahead, for parties with room to spare
    // and a rate of at least 16 a second on it (decision 47): at a steady high rate one round trip
    // per this many requests (256 is what was measured; 0 turns it off).
    private static final int ADMITTED_AHEAD = 256;

    // Another replica's pause or circuit is seen here at most this late (decision 35).
    private static final Duration POLL_EVERY = Duration.ofMillis(250);

    private final QuotaState quotaState;
    private final Optional<SharedQuotaState> sharedQuotas;
    private final ProviderHealth providerHealth;
    private final Optional<SharedProviderHealth> sharedHealth;
    private final Optional<StateLink> link;
    private final Optional<RedisStore> store;

    private SharedStateWiring(QuotaState quotaState, Optional<SharedQuotaState> sharedQuotas,
                              ProviderHealth providerHealth, Optional<SharedProviderHealth> sharedHealth,
                              Optional<StateLink> link, Optional<RedisStore> store) {
        this.quotaState = quotaState;
        this.sharedQuotas = sharedQuotas;
        this.providerHealth = providerHealth;
        this.sharedHealth = sharedHealth;
        this.link = link;
        this.store = store;
    }

    /**
     * Builds the state of {@code settings}.
     *
     * @throws IllegalArgumentException when {@code LLM_STATE_URL} is not a Redis URL (the message
     *                                  names the expected form, never the URL)
     */
    public static SharedStateWiring open(SharedState settings, Duration probeLease, Duration circuitMemory,
                                         TimeSource time, Sleeper sleeper, MetricsPort metrics,
                                         List<ProviderId> providers) {
        if (settings.url().isEmpty()) {
            return new SharedStateWiring(new InProcessQuotaState(), Optional.empty(), ProviderHealth.inProcess(),
                    Optional.empty(), Optional.empty(), Optional.empty());
        }
        var store = new RedisStore(settings.url().get(), settings.timeout(), MAX_CONNECTIONS, settings.trustedCas());
        var link = new StateLink(store, settings.failureMode(), time, metrics, sleeper, PROBE_EVERY);
        var quotas = SharedQuotaState.settlingAfterAnswers(
                new RedisQuotaState(store, settings.prefix(), IN_FLIGHT_TTL), link, SETTLEMENTS_WAITING,
                SETTLEMENT_LINGER, ADMITTED_AHEAD);
        // The guards' clock: the view's deadlines are compared on it. The poll sleeps in real time.
        var health = new SharedProviderHealth(new RedisProviderHealth(store, settings.prefix(), circuitMemory), link,
                time, Sleeper.system(), providers, POLL_EVERY, probeLease);
        health.start();
        return new SharedStateWiring(quotas, Optional.of(quotas), health, Optional.of(health), Optional.of(link),
                Optional.of(store));
    }

    /** What the providers' gates and circuit breakers share with the other replicas (nothing in process). */
    public ProviderHealth providerHealth() {
        return providerHealth;
    }

    /** Where per-caller limits and spend are counted. */
    public QuotaState quotaState() {
        return quotaState;
    }

    /** How many settlements wait to be sent to Redis after their answers, when there is Redis. */
    public Optional<IntSupplier> settlementsWaiting() {
        return sharedQuotas.map(quotas -> quotas::settlementsWaiting);
    }

    /** The link to Redis, when there is one. */
    public Optional<StateLink> link() {
        return link;
    }

    /** The {@code state} check of {@code /health}. */
    public Availability availability() {
        return link.map(StateLink::availability)
                .orElseGet(() -> new Availability(true, "in process (LLM_STATE_URL is not set)"));
    }

    @Override
    public void close() {
        sharedHealth.ifPresent(SharedProviderHealth::close);
        // Settlements waiting are sent while the link and the connections are still open.
        sharedQuotas.ifPresent(SharedQuotaState::close);
        link.ifPresent(StateLink::close);
        store.ifPresent(RedisStore::close);
    }
}
