package io.llmclient.domain.chat;

import java.util.Locale;
import java.util.Optional;

/** How hard the caller says the task is; mapped to a {@link ModelTier} by configuration. */
public enum Complexity {
    LOW, MEDIUM, HIGH;

    /** The lower-case name used in params and config. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name exactly. */
    public static Optional<Complexity> fromWire(String value) {
        for (Complexity complexity : values()) {
            if (complexity.wireName().equals(value)) {
                return Optional.of(complexity);
            }
        }
        return Optional.empty();
    }
}
