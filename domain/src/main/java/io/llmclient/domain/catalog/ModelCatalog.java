package io.llmclient.domain.catalog;

import io.llmclient.domain.chat.ProviderId;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/** Every model the service can route to, keyed by catalog id, in configuration order. */
public final class ModelCatalog {
    private final Map<String, ModelEntry> entries;

    public ModelCatalog(Collection<ModelEntry> entries) {
        var byId = new LinkedHashMap<String, ModelEntry>();
        for (ModelEntry entry : entries) {
            if (byId.putIfAbsent(entry.id(), entry) != null) {
                throw new IllegalArgumentException("model '" + entry.id() + "' appears twice in the catalog");
            }
        }
        this.entries = Collections.unmodifiableMap(byId);
    }

    public Optional<ModelEntry> find(String modelId) {
        return Optional.ofNullable(entries.get(modelId));
    }

    public boolean contains(String modelId) {
        return entries.containsKey(modelId);
    }

    public List<ModelEntry> entries() {
        return List.copyOf(entries.values());
    }

    /** The providers named by at least one entry. */
    public Set<ProviderId> providers() {
        return entries.values().stream().map(ModelEntry::provider)
                .collect(Collectors.toCollection(LinkedHashSet::new));
    }

    /** Entries served by one provider, in catalog order. */
    public List<ModelEntry> servedBy(ProviderId provider) {
        return entries.values().stream().filter(entry -> entry.provider().equals(provider)).toList();
    }
}
