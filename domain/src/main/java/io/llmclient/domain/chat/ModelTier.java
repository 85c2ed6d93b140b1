package io.llmclient.domain.chat;

import java.util.Locale;
import java.util.Optional;

/** Price/quality class of a model; callers may ask for a tier instead of a model. */
public enum ModelTier {
    FAST, BALANCED, PREMIUM;

    /** The lower-case name used in params, config and results. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name exactly. */
    public static Optional<ModelTier> fromWire(String value) {
        for (ModelTier tier : values()) {
            if (tier.wireName().equals(value)) {
                return Optional.of(tier);
            }
        }
        return Optional.empty();
    }
}
