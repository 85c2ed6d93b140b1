package io.llmclient.provider.support.http;

import java.util.Locale;
import java.util.Optional;

/**
 * The {@code x-should-retry} header OpenAI and Anthropic send (their SDKs obey it before the
 * status): it overrides whether a failure is worth trying again.
 */
public final class ShouldRetryHeader {
    /** Its name, in the lower case {@link HttpReply#header} takes. */
    public static final String NAME = "x-should-retry";

    private ShouldRetryHeader() {
    }

    /** {@code true} or {@code false} (any case, blanks around ignored); anything else says nothing. */
    public static Optional<Boolean> parse(String value) {
        return switch (value.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> Optional.of(true);
            case "false" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
