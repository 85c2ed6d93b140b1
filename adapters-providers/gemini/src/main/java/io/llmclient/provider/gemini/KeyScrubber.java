package io.llmclient.provider.gemini;

import io.llmclient.application.provider.ApiKey;
import java.util.Optional;

/**
 * Removes the API key from text that came from upstream before it goes anywhere else. The
 * contract forbids any run of 8 or more of the key's characters in output, so every 8-character
 * window of the key is masked, not only the whole key.
 */
final class KeyScrubber {
    static final KeyScrubber NONE = new KeyScrubber(Optional.empty());
    private static final int RUN = 8;

    private final Optional<ApiKey> key;

    KeyScrubber(Optional<ApiKey> key) {
        this.key = key;
    }

    String scrub(String text) {
        if (key.isEmpty()) {
            return text;
        }
        String value = key.get().value();
        String out = text.replace(value, key.get().masked());
        for (int start = 0; start + RUN <= value.length(); start++) {
            String window = value.substring(start, start + RUN);
            if (out.contains(window)) {
                out = out.replace(window, "****");
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return "KeyScrubber[" + key.map(ApiKey::masked).orElse("no key") + "]";
    }
}
