package io.llmclient.application.provider;

import java.util.Objects;

/** Whether a provider can take requests now, and why not when it cannot. */
public record Availability(boolean available, String reason) {
    public Availability {
        Objects.requireNonNull(reason, "reason");
    }

    public static Availability up() {
        return new Availability(true, "ready");
    }

    public static Availability down(String reason) {
        return new Availability(false, reason);
    }
}
