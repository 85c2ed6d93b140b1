package io.llmclient.domain.selection;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.selection.SelectionOutcome.Refused;
import io.llmclient.domain.selection.SelectionOutcome.Selected;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Picks the model for a request. An explicit model is governed and used as asked (never
 * swapped for another); a tier, a complexity or the default picks the first allowed model of
 * the tier whose provider is available, trying providers in preference order. No outcome is
 * ever a model the allow-list refuses.
 */
public final class ModelSelector {
    private final ModelPolicy policy;

    public ModelSelector(ModelPolicy policy) {
        this.policy = policy;
    }

    /** Selects from the service's allow-list with the given provider availability (typically the registry's). */
    public SelectionOutcome select(ChatRequest request, Predicate<ProviderId> available) {
        return select(request, policy.allowList(), available);
    }

    /**
     * Selects from {@code allowed} (a caller's effective allow-list) with the given provider
     * availability: an explicit model outside it is refused, and a tier, complexity or default
     * model chooses only among its models.
     */
    public SelectionOutcome select(ChatRequest request, AllowList allowed, Predicate<ProviderId> available) {
        if (request.model().isPresent()) {
            return explicitModel(request.model().get(), allowed, available);
        }
        if (request.tier().isPresent()) {
            ModelTier tier = request.tier().get();
            return fromTier(tier, Optional.empty(), allowed, available, "tier=" + tier.wireName());
        }
        if (request.complexity().isPresent()) {
            ModelTier tier = policy.tierFor(request.complexity().get());
            return fromTier(tier, Optional.empty(), allowed, available,
                    "complexity=" + request.complexity().get().wireName() + " -> tier=" + tier.wireName());
        }
        return defaultModel(allowed, available);
    }

    /**
     * The models a request may fall back to once {@code failed} could not serve it: for a tier, a
     * complexity or the default model, the other allowed models of the same tier whose provider is
     * not in {@code triedProviders}, in preference order (availability is the caller's to check, at
     * the moment it moves on). An explicit model has none: it is never swapped for another.
     */
    public List<ModelEntry> fallbacks(ChatRequest request, ModelEntry failed, Set<ProviderId> triedProviders) {
        return fallbacks(request, policy.allowList(), failed, triedProviders);
    }

    /** As {@link #fallbacks(ChatRequest, ModelEntry, Set)}, among the models of {@code allowed}. */
    public List<ModelEntry> fallbacks(ChatRequest request, AllowList allowed, ModelEntry failed,
                                      Set<ProviderId> triedProviders) {
        if (request.model().isPresent()) {
            return List.of();
        }
        ModelTier tier = request.tier()
                .or(() -> request.complexity().map(policy::tierFor))
                .orElse(failed.tier());
        return allowedOfTier(tier, Optional.of(failed.id()), allowed).stream()
                .filter(entry -> !entry.provider().equals(failed.provider()))
                .filter(entry -> !triedProviders.contains(entry.provider()))
                .toList();
    }

    private SelectionOutcome explicitModel(String model, AllowList allowed, Predicate<ProviderId> available) {
        var refusal = allowed.check(model);
        if (refusal.isPresent()) {
            // The service's list, or a narrower one of the caller's team or key: the audit tells them apart.
            String list = allowed.models().equals(policy.allowList().models()) ? "ALLOWED_MODELS"
                    : "the caller's allowed models (ALLOWED_MODELS narrowed by its team and key)";
            return new Refused(refusal.get(), "model=" + model + " refused: not in " + list);
        }
        Optional<ModelEntry> entry = policy.catalog().find(model);
        if (entry.isEmpty()) {
            return new Refused(new ProviderUnavailable(Optional.empty(), Optional.of(model), Optional.empty(),
                    "Model '" + model + "' is allowed but no provider serves it (not in the model catalog)"),
                    "model=" + model + " refused: not in the catalog");
        }
        ModelEntry chosen = entry.get();
        if (!available.test(chosen.provider())) {
            return new Refused(ProviderUnavailable.forModel(model, chosen.provider(),
                    "Provider '" + chosen.provider() + "' for model '" + model + "' is unavailable"),
                    "model=" + model + " refused: provider " + chosen.provider() + " unavailable");
        }
        return new Selected(chosen, "model=" + model + " as requested (provider " + chosen.provider() + ")");
    }

    private SelectionOutcome defaultModel(AllowList allowed, Predicate<ProviderId> available) {
        String model = policy.defaultModel();
        Optional<ModelEntry> known = policy.catalog().find(model);
        if (known.isEmpty()) {
            return new Refused(new ProviderUnavailable(Optional.empty(), Optional.of(model), Optional.empty(),
                    "Default model '" + model + "' is not routable"), "default model " + model + " not routable");
        }
        if (!allowed.allows(model)) {
            // The caller may not use the default: the default's tier among the models it may use.
            return fromTier(known.get().tier(), Optional.empty(), allowed, available, "default model " + model
                    + " not in the caller's allowed models, same tier " + known.get().tier().wireName());
        }
        Optional<ModelEntry> entry = known;
        if (available.test(entry.get().provider())) {
            return new Selected(entry.get(), "default model " + model + " (provider " + entry.get().provider() + ")");
        }
        return fromTier(entry.get().tier(), Optional.of(model), allowed, available,
                "default model " + model + " unavailable (provider " + entry.get().provider() + "), same tier "
                        + entry.get().tier().wireName());
    }

    private SelectionOutcome fromTier(ModelTier tier, Optional<String> skip, AllowList allowList,
                                      Predicate<ProviderId> available, String why) {
        List<ModelEntry> allowed = allowedOfTier(tier, skip, allowList);
        if (allowed.isEmpty() && skip.isEmpty()) {
            return new Refused(ProviderUnavailable.forTier(tier,
                    "No allowed model serves tier '" + tier.wireName() + "'"), why + ": no allowed model in tier");
        }
        var skipped = new ArrayList<String>();
        for (ModelEntry candidate : allowed) {
            if (available.test(candidate.provider())) {
                String rationale = why + " -> " + candidate.id() + " (provider " + candidate.provider() + ")"
                        + (skipped.isEmpty() ? "" : "; skipped " + String.join(", ", skipped));
                return new Selected(candidate, rationale);
            }
            skipped.add(candidate.id() + " (provider " + candidate.provider() + " unavailable)");
        }
        return new Refused(ProviderUnavailable.forTier(tier,
                "No available provider for tier '" + tier.wireName() + "'"),
                why + ": every allowed model's provider is unavailable" + (skipped.isEmpty() ? "" : ": "
                        + String.join(", ", skipped)));
    }

    // The tier's allowed catalog models, minus the one to skip, providers in preference order.
    private List<ModelEntry> allowedOfTier(ModelTier tier, Optional<String> skip, AllowList allowed) {
        return policy.candidatesOf(tier).stream()
                .filter(allowed::allows)
                .map(model -> policy.catalog().find(model))
                .flatMap(Optional::stream)
                .filter(entry -> skip.map(s -> !s.equals(entry.id())).orElse(true))
                .sorted(Comparator.comparingInt(this::preferenceRank))
                .toList();
    }

    // Providers earlier in the preference list come first; unlisted providers keep config order after them.
    private int preferenceRank(ModelEntry entry) {
        int rank = policy.providerPreference().indexOf(entry.provider());
        return rank < 0 ? Integer.MAX_VALUE : rank;
    }
}
