package io.llmclient.domain.selection;

import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Everything governance and selection decide by: the catalog, the allow-list, the candidate
 * models of each tier (in preference order), complexity to tier, provider preference, and the
 * default model. Immutable; built once at start-up.
 */
public record ModelPolicy(
        ModelCatalog catalog,
        AllowList allowList,
        Map<ModelTier, List<String>> tierModels,
        Map<Complexity, ModelTier> complexityTiers,
        List<ProviderId> providerPreference,
        String defaultModel) {

    public ModelPolicy {
        Objects.requireNonNull(catalog, "catalog");
        Objects.requireNonNull(allowList, "allowList");
        var tiers = new EnumMap<ModelTier, List<String>>(ModelTier.class);
        tierModels.forEach((tier, models) -> tiers.put(tier, List.copyOf(models)));
        // Unmodifiable EnumMap, not Map.copyOf: start-up errors must list tiers in a stable order.
        tierModels = Collections.unmodifiableMap(tiers);
        complexityTiers = Map.copyOf(complexityTiers);
        providerPreference = List.copyOf(providerPreference);
        Objects.requireNonNull(defaultModel, "defaultModel");
    }

    /** The candidate models of a tier, in configured order; empty when the tier is unmapped. */
    public List<String> candidatesOf(ModelTier tier) {
        return tierModels.getOrDefault(tier, List.of());
    }

    /** The tier a complexity maps to; unmapped complexities use their natural tier. */
    public ModelTier tierFor(Complexity complexity) {
        return complexityTiers.getOrDefault(complexity, switch (complexity) {
            case LOW -> ModelTier.FAST;
            case MEDIUM -> ModelTier.BALANCED;
            case HIGH -> ModelTier.PREMIUM;
        });
    }

    /**
     * Problems that must stop start-up (contract section 9): a default model that is not
     * allowed, a tier map naming a model missing from the catalog, a catalog naming a provider
     * that does not exist. {@code knownProviders} are the registered modules plus the
     * well-known ids.
     */
    public List<String> startupErrors(Set<ProviderId> knownProviders) {
        var errors = new ArrayList<String>();
        if (!allowList.allows(defaultModel)) {
            errors.add("LLM_DEFAULT_MODEL: '" + defaultModel + "' must be one of ALLOWED_MODELS "
                    + allowList.models());
        }
        tierModels.forEach((tier, models) -> models.stream().filter(model -> !catalog.contains(model))
                .forEach(model -> errors.add("llm.tiers." + tier.wireName() + ": model '" + model
                        + "' is not in the model catalog")));
        for (ModelEntry entry : catalog.entries()) {
            if (!knownProviders.contains(entry.provider())) {
                errors.add("llm.catalog." + entry.id() + ".provider: provider '" + entry.provider()
                        + "' does not exist; known providers: "
                        + knownProviders.stream().map(ProviderId::value).sorted().toList());
            }
        }
        return errors;
    }

    /** Tiers with no allowed model: not fatal (an operator may narrow the allow-list on purpose). */
    public List<ModelTier> tiersWithoutAllowedModel() {
        return Arrays.stream(ModelTier.values())
                .filter(tier -> candidatesOf(tier).stream().noneMatch(allowList::allows))
                .toList();
    }

    /**
     * The policy while the offline simulator is on: its models join the allow-list, and each
     * becomes the last candidate of its tier so that every tier has an answer offline.
     */
    public ModelPolicy withSimulator(ProviderId simulator) {
        List<ModelEntry> simulated = catalog.servedBy(simulator);
        var tiers = new EnumMap<ModelTier, List<String>>(ModelTier.class);
        for (ModelTier tier : ModelTier.values()) {
            var candidates = new ArrayList<>(candidatesOf(tier));
            simulated.stream().filter(entry -> entry.tier() == tier).map(ModelEntry::id)
                    .filter(id -> !candidates.contains(id)).forEach(candidates::add);
            tiers.put(tier, candidates);
        }
        return new ModelPolicy(catalog, allowList.plus(simulated.stream().map(ModelEntry::id).toList()), tiers,
                complexityTiers, providerPreference, defaultModel);
    }

    /**
     * The same policy with another default model; used at start-up when the configured default's
     * provider is unavailable and the simulator can stand in.
     */
    public ModelPolicy withDefaultModel(String model) {
        return new ModelPolicy(catalog, allowList, tierModels, complexityTiers, providerPreference, model);
    }

    /** Whether the default model's provider can take requests, by the given availability. */
    public boolean defaultModelAvailable(Predicate<ProviderId> available) {
        return catalog.find(defaultModel).map(entry -> available.test(entry.provider())).orElse(false);
    }
}
