package io.llmclient.application.state;

import java.util.Locale;
import java.util.Optional;

/** What a replica does while the shared state fails ({@code LLM_STATE_FAILURE_MODE}, contract section 11). */
public enum StateFailureMode {
    /** Falls back to in-process state and keeps serving. */
    OPEN,
    /** Refuses requests of principals with limits or a budget (-32009). */
    CLOSED;

    /** {@code open} or {@code closed}. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The mode named {@code name}, if any. */
    public static Optional<StateFailureMode> fromWire(String name) {
        for (StateFailureMode mode : values()) {
            if (mode.wireName().equals(name)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
