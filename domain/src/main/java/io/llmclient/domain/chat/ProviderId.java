package io.llmclient.domain.chat;

import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Names a provider. An open value rather than an enum, so that a provider plugged in as a new
 * module needs no change here; the well-known ones are constants (see docs/decisions.md).
 */
public record ProviderId(String value) {
    private static final Pattern SHAPE = Pattern.compile("[a-z][a-z0-9-]{0,31}");

    public static final ProviderId OPENAI = new ProviderId("openai");
    public static final ProviderId ANTHROPIC = new ProviderId("anthropic");
    public static final ProviderId GEMINI = new ProviderId("gemini");
    public static final ProviderId SIMULATOR = new ProviderId("simulator");

    /**
     * Providers the catalog may name even before their module is on the class path: the
     * contract's three plus the simulator. Their models are listed, unavailable, until then.
     */
    public static final Set<ProviderId> WELL_KNOWN = Set.of(OPENAI, ANTHROPIC, GEMINI, SIMULATOR);

    public ProviderId {
        Objects.requireNonNull(value, "value");
        if (!SHAPE.matcher(value).matches()) {
            throw new IllegalArgumentException(
                    "provider id must be lower-case letters, digits or '-', starting with a letter: " + value);
        }
    }

    @Override
    public String toString() {
        return value;
    }
}
