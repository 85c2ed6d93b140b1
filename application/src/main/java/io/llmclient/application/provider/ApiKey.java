package io.llmclient.application.provider;

import java.util.Objects;

/**
 * A provider credential. Its {@code toString} shows only the last four characters, so a key
 * that slips into a log line or an error message by accident does not leak.
 */
public record ApiKey(String value) {
    private static final int VISIBLE_SUFFIX = 4;

    public ApiKey {
        Objects.requireNonNull(value, "value");
        if (value.isBlank()) {
            throw new IllegalArgumentException("an API key must not be blank");
        }
    }

    /** The key as shown to humans: {@code ****} and at most its last four characters. */
    public String masked() {
        return value.length() <= VISIBLE_SUFFIX * 2
                ? "****"
                : "****" + value.substring(value.length() - VISIBLE_SUFFIX);
    }

    @Override
    public String toString() {
        return "ApiKey[" + masked() + "]";
    }
}
