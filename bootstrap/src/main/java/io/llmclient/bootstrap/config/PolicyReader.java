package io.llmclient.bootstrap.config;

import io.helidon.config.Config;
import io.llmclient.bootstrap.config.ServiceConfig.PolicySettings;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the structured model policy under {@code llm:}: {@code catalog} (list of
 * {@code {id, provider, tier, provider-model?}}), {@code tiers} (tier -> model ids, in
 * preference order), {@code complexity} (low/medium/high -> tier) and
 * {@code provider-preference} (provider ids). Shape errors are reported with the YAML path;
 * whether named models and providers exist is {@code StartupPolicy}'s question.
 */
final class PolicyReader {
    private static final String TIER_RULE = "must be one of fast, balanced, premium";

    private PolicyReader() {
    }

    static PolicySettings read(Config llm) {
        List<ModelEntry> catalog = catalog(llm.get("catalog"));
        try {
            new ModelCatalog(catalog);
        } catch (IllegalArgumentException duplicate) {
            throw InvalidConfigException.of("llm.catalog", duplicate.getMessage());
        }
        return new PolicySettings(catalog, tiers(llm.get("tiers")), complexity(llm.get("complexity")),
                strings(llm.get("provider-preference")).stream()
                        .map(id -> providerId("llm.provider-preference", id)).toList());
    }

    private static List<ModelEntry> catalog(Config node) {
        var entries = new ArrayList<ModelEntry>();
        List<Config> items = node.asNodeList().orElse(List.of());
        for (int i = 0; i < items.size(); i++) {
            Config item = items.get(i);
            String path = "llm.catalog[" + i + "]";
            String id = required(item.get("id"), path + ".id");
            ProviderId provider = providerId(path + ".provider", required(item.get("provider"), path + ".provider"));
            String tierName = required(item.get("tier"), path + ".tier");
            ModelTier tier = ModelTier.fromWire(tierName)
                    .orElseThrow(() -> InvalidConfigException.of(path + ".tier", TIER_RULE, tierName));
            String providerModel = text(item.get("provider-model")).orElse(id);
            entries.add(new ModelEntry(id, provider, tier, providerModel));
        }
        return entries;
    }

    private static Map<ModelTier, List<String>> tiers(Config node) {
        var tiers = new EnumMap<ModelTier, List<String>>(ModelTier.class);
        for (Config child : node.asNodeList().orElse(List.of())) {
            ModelTier tier = ModelTier.fromWire(child.name())
                    .orElseThrow(() -> InvalidConfigException.of("llm.tiers", "keys " + TIER_RULE, child.name()));
            tiers.put(tier, strings(child));
        }
        return tiers;
    }

    private static Map<Complexity, ModelTier> complexity(Config node) {
        var map = new EnumMap<Complexity, ModelTier>(Complexity.class);
        for (Config child : node.asNodeList().orElse(List.of())) {
            Complexity complexity = Complexity.fromWire(child.name())
                    .orElseThrow(() -> InvalidConfigException.of("llm.complexity",
                            "keys must be low, medium or high", child.name()));
            String path = "llm.complexity." + child.name();
            String tierName = required(child, path);
            map.put(complexity, ModelTier.fromWire(tierName)
                    .orElseThrow(() -> InvalidConfigException.of(path, TIER_RULE, tierName)));
        }
        return map;
    }

    private static List<String> strings(Config node) {
        return node.asList(String.class).orElse(List.of()).stream().map(String::strip)
                .filter(value -> !value.isEmpty()).toList();
    }

    private static ProviderId providerId(String path, String value) {
        try {
            return new ProviderId(value);
        } catch (IllegalArgumentException e) {
            throw InvalidConfigException.of(path,
                    "must be a provider id (lower-case letters, digits or '-', starting with a letter)", value);
        }
    }

    private static String required(Config node, String path) {
        return text(node).orElseThrow(() -> InvalidConfigException.of(path, "is required"));
    }

    private static Optional<String> text(Config node) {
        return node.asString().asOptional().map(String::strip).filter(value -> !value.isEmpty());
    }
}
