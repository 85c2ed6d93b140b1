package io.llmclient.provider.anthropic;

import java.util.HashMap;
import java.util.Map;

/**
 * The {@code max_tokens} sent when the caller gives none: Anthropic refuses a request without
 * it. Options: {@code default_max_tokens} for every model (default {@value #DEFAULT}), and
 * {@code default_max_tokens.<catalog model id>} for one model. 4096 is within the output
 * limit of every Claude model in the catalog (claude-3-opus allows at most 4096).
 */
record MaxTokensDefaults(int fallback, Map<String, Integer> perModel) {
    static final int DEFAULT = 4096;
    static final String OPTION = "default_max_tokens";

    MaxTokensDefaults {
        perModel = Map.copyOf(perModel);
    }

    /** Reads the options; a value that is not a whole number > 0 is refused naming its option. */
    static MaxTokensDefaults from(Map<String, String> options) {
        int fallback = DEFAULT;
        Map<String, Integer> perModel = new HashMap<>();
        for (Map.Entry<String, String> option : options.entrySet()) {
            String name = option.getKey();
            if (name.equals(OPTION)) {
                fallback = positive(name, option.getValue());
            } else if (name.startsWith(OPTION + ".") && name.length() > OPTION.length() + 1) {
                perModel.put(name.substring(OPTION.length() + 1), positive(name, option.getValue()));
            }
        }
        return new MaxTokensDefaults(fallback, perModel);
    }

    /** The default for a catalog model id. */
    int forModel(String catalogId) {
        return perModel.getOrDefault(catalogId, fallback);
    }

    private static int positive(String option, String value) {
        try {
            int parsed = Integer.parseInt(value.strip());
            if (parsed > 0) {
                return parsed;
            }
        } catch (NumberFormatException notANumber) {
            // reported below, with the option's name
        }
        throw new IllegalArgumentException(
                "anthropic option " + option + " must be a whole number > 0, got '" + value + "'");
    }
}
