package io.llmclient.application.service;

import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.selection.ModelPolicy;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Turns the configured policy into the one the service runs with, once at start-up: adds the
 * simulator's models when it is on, moves the default to the simulator's fast model when the
 * default's provider is unavailable, and rejects a policy the service cannot honour.
 */
public final class StartupPolicy {

    private StartupPolicy() {
    }

    /** The outcome: a policy to run with plus warnings to log, or the reasons to stop. */
    public sealed interface Result {
        /** Start with this policy; log each notice once. */
        record Ready(ModelPolicy policy, List<String> notices) implements Result {
            public Ready {
                Objects.requireNonNull(policy, "policy");
                notices = List.copyOf(notices);
            }
        }

        /** Do not start; each error names the key and the rule broken. */
        record Rejected(List<String> errors) implements Result {
            public Rejected {
                errors = List.copyOf(errors);
            }
        }
    }

    /** Resolves the policy against the registered providers and the simulator switch. */
    public static Result resolve(ModelPolicy configured, boolean simulatorEnabled, ProviderRegistry registry) {
        var knownProviders = new HashSet<ProviderId>(ProviderId.WELL_KNOWN);
        knownProviders.addAll(registry.idSet());
        // Checked after the simulator's models join the allow-list: while it is on they are allowed
        // (contract section 9), so LLM_DEFAULT_MODEL=sim-fast is a valid configuration.
        ModelPolicy policy = simulatorEnabled ? configured.withSimulator(ProviderId.SIMULATOR) : configured;
        List<String> errors = policy.startupErrors(knownProviders);
        if (!errors.isEmpty()) {
            return new Result.Rejected(errors);
        }
        var notices = new ArrayList<String>();
        if (simulatorEnabled && !policy.defaultModelAvailable(registry::available)) {
            Optional<ModelEntry> fast = policy.catalog().servedBy(ProviderId.SIMULATOR).stream()
                    .filter(entry -> entry.tier() == ModelTier.FAST).findFirst();
            if (fast.isPresent()) {
                notices.add("default model " + configured.defaultModel() + " is unavailable ("
                        + providerReason(configured, registry) + "); the default is now " + fast.get().id()
                        + " from the offline simulator");
                policy = policy.withDefaultModel(fast.get().id());
            }
        }
        for (ModelTier tier : policy.tiersWithoutAllowedModel()) {
            notices.add("tier " + tier.wireName() + " has no allowed model; requests for it will get "
                    + "ProviderUnavailableError");
        }
        if (!policy.catalog().contains(policy.defaultModel())) {
            notices.add("LLM_DEFAULT_MODEL " + policy.defaultModel() + " is not in the model catalog; requests "
                    + "without model, tier or complexity will get ProviderUnavailableError");
        }
        ModelPolicy running = policy;
        running.allowList().models().stream().filter(model -> !running.catalog().contains(model))
                .forEach(model -> notices.add("ALLOWED_MODELS names " + model
                        + ", which is not in the model catalog; requests for it will get ProviderUnavailableError"));
        return new Result.Ready(running, notices);
    }

    private static String providerReason(ModelPolicy policy, ProviderRegistry registry) {
        return policy.catalog().find(policy.defaultModel())
                .map(entry -> "provider " + entry.provider() + ": " + registry.availability(entry.provider()).reason())
                .orElse("not in the catalog");
    }
}
