package io.llmclient.bootstrap.config;

import io.helidon.config.Config;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.GovernancePolicyParser;
import io.llmclient.domain.validation.Validated;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the per-caller policy ({@code llm.prices}, {@code llm.teams}, {@code llm.keys}; contract
 * section 10) from the layered configuration. The configuration tree is handed to the domain's
 * parser as plain maps, lists and strings; the parser checks all of it and names every broken path.
 */
public final class GovernanceReader {
    private static final List<String> SECTIONS = List.of("prices", "teams", "keys");

    private GovernanceReader() {
    }

    /**
     * The policy, or every problem with it, one {@code path: rule} line each.
     *
     * @param allowed     the service's allow-list (the simulator's models included when it is on)
     * @param inboundKeys the keys of {@code LLM_INBOUND_API_KEYS}
     */
    public static Validated<GovernancePolicy> read(Config root, ModelCatalog catalog, AllowList allowed,
                                                   List<String> inboundKeys) {
        Config llm = root.get("llm");
        var sections = new LinkedHashMap<String, Object>();
        for (String section : SECTIONS) {
            Config node = llm.get(section);
            if (node.exists()) {
                sections.put(section, section.equals("prices") ? prices(node) : plain(node));
            }
        }
        return GovernancePolicyParser.parse(sections, catalog, allowed, inboundKeys);
    }

    /** One line per problem, as start-up and a refused reload print them. */
    public static List<String> lines(List<FieldError> errors) {
        return errors.stream().map(error -> error.field() + ": " + error.message()).toList();
    }

    // Helidon reads a dot in a key as a path separator: `gpt-4.1-mini: {...}` arrives as gpt-4 ->
    // 1-mini -> {...}. The values of an object are one model's price, its model id the path joined
    // with dots again; an object below it is another model's (gpt-4 and gpt-4.1 side by side).
    private static Map<String, Object> prices(Config node) {
        var prices = new LinkedHashMap<String, Object>();
        collectPrices(node, "", prices);
        return prices;
    }

    private static void collectPrices(Config node, String model, Map<String, Object> prices) {
        var members = new LinkedHashMap<String, Object>();
        for (Config child : node.asNodeList().orElse(List.of())) {
            if (child.type() == Config.Type.OBJECT) {
                collectPrices(child, model.isEmpty() ? child.name() : model + "." + child.name(), prices);
            } else {
                members.put(child.name(), plain(child));
            }
        }
        if (model.isEmpty()) {
            // A value right under llm.prices: the parser names it ("must be a mapping").
            prices.putAll(members);
        } else if (!members.isEmpty()) {
            prices.put(model, members);
        }
    }

    // Helidon's tree as the plain values the domain reads: objects as maps, lists as lists, leaves as text.
    private static Object plain(Config node) {
        return switch (node.type()) {
            case OBJECT -> {
                var map = new LinkedHashMap<String, Object>();
                node.asNodeList().orElse(List.of()).forEach(child -> map.put(child.name(), plain(child)));
                yield map;
            }
            case LIST -> {
                var list = new ArrayList<Object>();
                node.asNodeList().orElse(List.of()).forEach(child -> list.add(plain(child)));
                yield list;
            }
            case VALUE -> node.asString().orElse("");
            case MISSING -> Map.of();
        };
    }
}
