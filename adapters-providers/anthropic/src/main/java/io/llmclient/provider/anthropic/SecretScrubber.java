package io.llmclient.provider.anthropic;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes the API key from text that came back from the provider before it goes anywhere.
 * Anthropic's 401 says only "invalid x-api-key" today, but a proxy or a future message may quote
 * the key; the contract forbids any run of 8 or more of its characters in output, so every word
 * sharing such a run with the key is replaced by the key's masked form.
 */
final class SecretScrubber {
    private static final int RUN = 8;
    private static final Pattern WORD = Pattern.compile("\\S+");

    private final String secret;
    private final String masked;

    SecretScrubber(String secret, String masked) {
        this.secret = secret;
        this.masked = masked;
    }

    /** The text with every word that carries part of the secret replaced by the masked form. */
    String scrub(String text) {
        if (secret.isEmpty()) {
            return text;
        }
        return WORD.matcher(text).replaceAll(word -> Matcher.quoteReplacement(leaks(word.group()) ? masked : word.group()));
    }

    private boolean leaks(String word) {
        if (secret.length() < RUN) {
            return word.contains(secret);
        }
        for (int start = 0; start + RUN <= secret.length(); start++) {
            if (word.contains(secret.substring(start, start + RUN))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "SecretScrubber[" + masked + "]";
    }
}
