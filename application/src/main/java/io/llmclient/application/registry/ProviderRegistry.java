package io.llmclient.application.registry;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Every provider the service can call, found with {@link ServiceLoader}. Each provider is
 * built on first use, once, from the settings bootstrap supplies for its id; a provider
 * without a key is registered but unavailable. A guard (the circuit breakers) may mark an
 * otherwise available provider unavailable, so health, the model list and selection all see
 * the same answer.
 */
public final class ProviderRegistry {
    private final Map<ProviderId, LlmProviderFactory> factories;
    private final Function<ProviderId, ProviderSettings> settings;
    private final List<ProviderId> ids;
    private final Function<ProviderId, Availability> guard;
    private final ConcurrentHashMap<ProviderId, LlmProvider> created = new ConcurrentHashMap<>();

    /** A registry without a guard: a provider is as available as it says. */
    public ProviderRegistry(Collection<LlmProviderFactory> factories, Function<ProviderId, ProviderSettings> settings) {
        this(factories, settings, id -> Availability.up());
    }

    /**
     * A registry whose providers are also asked of {@code guard}, which may only take
     * availability away: its answer counts when the provider itself is available.
     */
    public ProviderRegistry(Collection<LlmProviderFactory> factories, Function<ProviderId, ProviderSettings> settings,
                            Function<ProviderId, Availability> guard) {
        var byId = new LinkedHashMap<ProviderId, LlmProviderFactory>();
        for (LlmProviderFactory factory : factories) {
            if (byId.putIfAbsent(factory.id(), factory) != null) {
                throw new IllegalStateException("two provider modules claim the id '" + factory.id() + "'");
            }
        }
        this.factories = Map.copyOf(byId);
        this.ids = List.copyOf(byId.keySet());
        this.settings = settings;
        this.guard = guard;
    }

    /** A registry of every {@link LlmProviderFactory} on the class path. */
    public static ProviderRegistry discover(Function<ProviderId, ProviderSettings> settings) {
        List<LlmProviderFactory> found = ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .toList();
        return new ProviderRegistry(found, settings);
    }

    /** The registered provider ids, in discovery order. */
    public List<ProviderId> ids() {
        return ids;
    }

    public Set<ProviderId> idSet() {
        return factories.keySet();
    }

    /** The provider for an id, built on first call; empty when no module registers the id. */
    public Optional<LlmProvider> provider(ProviderId id) {
        LlmProviderFactory factory = factories.get(id);
        if (factory == null) {
            return Optional.empty();
        }
        return Optional.of(created.computeIfAbsent(id, key -> factory.create(settings.apply(key))));
    }

    /** Whether the provider exists and can take requests now. */
    public boolean available(ProviderId id) {
        return availability(id).available();
    }

    /** The provider's availability, or unavailable with a reason when no module registers it. */
    public Availability availability(ProviderId id) {
        Availability own = provider(id).map(LlmProvider::availability)
                .orElseGet(() -> Availability.down("no provider module registers '" + id + "'"));
        return own.available() ? guard.apply(id) : own;
    }
}
