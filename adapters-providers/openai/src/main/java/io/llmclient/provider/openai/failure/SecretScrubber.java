package io.llmclient.provider.openai.failure;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Removes an API key from text that came back from the provider. OpenAI's 401 message quotes
 * the key it was given, partly masked ({@code sk-proj-****...abcd}); the contract forbids any
 * run of 8 or more of the key's characters in output, so every word that shares such a run with
 * the key is replaced by the key's masked form.
 */
public final class SecretScrubber {
    private static final int RUN = 8;
    private static final Pattern WORD = Pattern.compile("\\S+");

    private final String secret;
    private final String masked;

    public SecretScrubber(String secret, String masked) {
        this.secret = secret;
        this.masked = masked;
    }

    /** The text with every word that carries part of the secret replaced by the masked form. */
    public String scrub(String text) {
        Matcher words = WORD.matcher(text);
        return words.replaceAll(word -> leaks(word.group()) ? Matcher.quoteReplacement(masked)
                : Matcher.quoteReplacement(word.group()));
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
