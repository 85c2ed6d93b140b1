package io.llmclient.provider.conformance;

import java.util.Optional;

/**
 * The contract's rule on keys in output, for tests and fuzz targets: no run of 8 or more of a
 * key's characters may appear (its masked form shows at most the last 4).
 */
public final class KeyLeaks {
    private static final int RUN = 8;

    private KeyLeaks() {
    }

    /** The first run of the key found in {@code text}, if any. */
    public static Optional<String> runOf(String key, String text) {
        for (int start = 0; start + RUN <= key.length(); start++) {
            String run = key.substring(start, start + RUN);
            if (text.contains(run)) {
                return Optional.of(run);
            }
        }
        return Optional.empty();
    }

    /** {@code text} with {@code key} spliced in at {@code position} (clamped), as an upstream might echo it. */
    public static String splice(String text, String key, int position) {
        int at = Math.floorMod(position, text.length() + 1);
        return text.substring(0, at) + key + text.substring(at);
    }
}
