package io.llmclient.bootstrap.config;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps secrets out of start-up error lines. A value is echoed in an error to help the
 * operator, but when it holds 8 or more characters of a configured key (say a key pasted into
 * a URL setting) the line names the key and rule only.
 */
public final class SecretScrubber {
    private static final int RUN = 8;
    private final Set<String> secrets;

    public SecretScrubber(Collection<String> secrets) {
        this.secrets = Set.copyOf(secrets);
    }

    /** The secrets of raw sources: values of {@code *_API_KEY} and each {@code LLM_INBOUND_API_KEYS} entry. */
    public static List<String> secretsIn(Map<String, String> source) {
        return source.entrySet().stream().flatMap(entry -> {
            if (entry.getKey().equals("LLM_INBOUND_API_KEYS")) {
                return Stream.of(entry.getValue().split(","));
            }
            return entry.getKey().endsWith("_API_KEY") ? Stream.of(entry.getValue()) : Stream.empty();
        }).map(String::strip).filter(value -> !value.isEmpty()).toList();
    }

    /** The error as it may be shown. */
    public InvalidConfigException scrub(InvalidConfigException error) {
        String shown = error.got().orElse("") + " " + error.getMessage();
        return leaks(shown) ? error.withoutValue() : error;
    }

    /** Whether the text holds a run of 8+ characters of a secret (its last 4 excepted). */
    public boolean leaks(String text) {
        for (String secret : secrets) {
            // Every 8-character window holds characters before the last four, which are the only
            // ones a masked key may show.
            for (int start = 0; start + RUN <= secret.length(); start++) {
                if (text.contains(secret.substring(start, start + RUN))) {
                    return true;
                }
            }
        }
        return false;
    }
}
