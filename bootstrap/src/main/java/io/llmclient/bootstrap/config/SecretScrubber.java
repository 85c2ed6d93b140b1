package io.llmclient.bootstrap.config;

import java.util.BitSet;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Keeps secrets out of what start-up prints (contract section 9, keys in output). A value is
 * echoed in an error to help the operator, but when it holds 8 or more characters of a
 * configured secret (say a key pasted into a URL setting) the line names the key and rule only;
 * free text, such as a policy error or a warning, has every such run replaced by {@value #MASK}.
 */
public final class SecretScrubber {
    /** What a run of a secret is replaced with in free text. */
    public static final String MASK = "****";
    private static final int RUN = 8;
    private final Set<String> secrets;

    public SecretScrubber(Collection<String> secrets) {
        this.secrets = Set.copyOf(secrets);
    }

    /**
     * The secrets of raw sources: values of {@code *_API_KEY}, each {@code LLM_INBOUND_API_KEYS}
     * entry, {@code LLM_TLS_TRUST_STORE_PASSWORD} and the password in {@code LLM_STATE_URL}.
     */
    public static List<String> secretsIn(Map<String, String> source) {
        return source.entrySet().stream().flatMap(entry -> {
            if (entry.getKey().equals("LLM_INBOUND_API_KEYS")) {
                return Stream.of(entry.getValue().split(","));
            }
            if (entry.getKey().equals(ServiceConfigReader.STATE_URL)) {
                return urlPassword(entry.getValue()).stream();
            }
            return entry.getKey().endsWith("_API_KEY") || entry.getKey().equals(TrustStoreReader.PASSWORD)
                    ? Stream.of(entry.getValue()) : Stream.empty();
        }).map(String::strip).filter(value -> !value.isEmpty()).toList();
    }

    /**
     * The password of a URL such as {@code redis://user:password@host:6379} (the user part when
     * there is no colon, as Redis reads {@code redis://password@host}); read leniently, so that
     * even a URL too broken to use has its secret masked.
     */
    public static Optional<String> urlPassword(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme + 3) {
            return Optional.empty();
        }
        String userInfo = url.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
        return password.isEmpty() ? Optional.empty() : Optional.of(password);
    }

    /** The error as it may be shown. */
    public InvalidConfigException scrub(InvalidConfigException error) {
        String shown = error.got().orElse("") + " " + error.getMessage();
        return leaks(shown) ? error.withoutValue() : error;
    }

    /** Whether the text holds a run of 8+ characters of a secret (its last 4 excepted). */
    public boolean leaks(String text) {
        return !runs(text).isEmpty();
    }

    /**
     * The text with every run of 8 or more characters of a secret replaced by {@value #MASK}; the
     * text itself when it holds none.
     */
    public String mask(String text) {
        BitSet runs = runs(text);
        if (runs.isEmpty()) {
            return text;
        }
        var masked = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            if (!runs.get(i)) {
                masked.append(text.charAt(i));
            } else if (i == 0 || !runs.get(i - 1)) {
                masked.append(MASK);
            }
        }
        return masked.toString();
    }

    // The positions of the text that belong to a run of a secret.
    private BitSet runs(String text) {
        var runs = new BitSet(text.length());
        for (String secret : secrets) {
            // Every 8-character window holds characters before the last four, which are the only
            // ones a masked key may show; overlapping windows cover a longer run whole.
            for (int start = 0; start + RUN <= secret.length(); start++) {
                String window = secret.substring(start, start + RUN);
                for (int at = text.indexOf(window); at >= 0; at = text.indexOf(window, at + 1)) {
                    runs.set(at, at + RUN);
                }
            }
        }
        return runs;
    }
}
