package io.llmclient.domain.chat;

import java.util.Locale;
import java.util.Optional;

/**
 * Who spoke a chat turn. The wire names are the lower-case constant names. {@code TOOL} is the
 * result of a function call, answering one tool call of an earlier assistant turn.
 */
public enum Role {
    SYSTEM, USER, ASSISTANT, TOOL;

    /** The name used on every wire protocol we speak. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a wire name exactly (case-sensitive, as the contract spells it). */
    public static Optional<Role> fromWire(String value) {
        for (Role role : values()) {
            if (role.wireName().equals(value)) {
                return Optional.of(role);
            }
        }
        return Optional.empty();
    }
}
