package io.llmclient.bootstrap.config;

import java.util.Objects;
import java.util.Optional;

/**
 * A configuration value that breaks its rule. The message is the one line an operator sees:
 * {@code KEY: rule, got "value"} (the value shortened and stripped of control characters), or
 * {@code KEY: rule} when there is no value to show.
 */
public final class InvalidConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private static final int MAX_SHOWN = 80;

    private final String key;
    private final String rule;
    private final String got;

    private InvalidConfigException(String key, String rule, String got) {
        super(line(key, rule, got), null, false, false);
        this.key = Objects.requireNonNull(key, "key");
        this.rule = Objects.requireNonNull(rule, "rule");
        this.got = got;
    }

    public static InvalidConfigException of(String key, String rule, String got) {
        return new InvalidConfigException(key, rule, Objects.requireNonNull(got, "got"));
    }

    public static InvalidConfigException of(String key, String rule) {
        return new InvalidConfigException(key, rule, null);
    }

    public String key() {
        return key;
    }

    /** The offending value as given, when there is one. */
    public Optional<String> got() {
        return Optional.ofNullable(got);
    }

    /** The same error without the value, for when the value may hold a secret. */
    public InvalidConfigException withoutValue() {
        return new InvalidConfigException(key, rule, null);
    }

    private static String line(String key, String rule, String got) {
        return got == null ? key + ": " + rule : key + ": " + rule + ", got \"" + shown(got) + "\"";
    }

    private static String shown(String value) {
        String oneLine = value.replaceAll("\\p{Cntrl}", "?");
        return oneLine.length() <= MAX_SHOWN ? oneLine : oneLine.substring(0, MAX_SHOWN) + "...";
    }
}
