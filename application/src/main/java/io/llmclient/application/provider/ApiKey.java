package io.llmclient.application.provider;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A provider credential. Its {@code toString} shows only the last four characters, so a key
 * that slips into a log line or an error message by accident does not leak; {@link #redactFrom}
 * cleans text that came back from the provider the same way.
 */
public record ApiKey(String value) {
    private static final int VISIBLE_SUFFIX = 4;
    /** Contract, "Keys in output": no run of this many characters of a key may appear. */
    private static final int LEAK_RUN = 8;
    private static final String CUT = "****";
    private static final Pattern WORD = Pattern.compile("\\S+");

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

    /**
     * {@code text} with every whitespace-delimited word that shares a run of 8 characters with
     * this key replaced by {@link #masked()} (for a key shorter than that: every word holding the
     * whole key). Whole words go, not only the run, because providers echo keys half-masked
     * ({@code sk-proj-****...abcd}) and what is left of such a word is still a clue. Text from
     * upstream (error messages, exception texts) passes through here before it is logged,
     * audited or answered, so no run of 8 or more of the key's characters leaves the service.
     */
    public String redactFrom(String text) {
        Objects.requireNonNull(text, "text");
        String redacted = WORD.matcher(text)
                .replaceAll(word -> Matcher.quoteReplacement(leaks(word.group()) ? masked() : word.group()));
        // A word-wise pass cannot see a run that spans whitespace (a key with a blank inside) or
        // one rebuilt by the masked form itself; cut any such run. Each cut shortens the text, so this ends.
        for (String run = leakedRun(redacted); run != null; run = leakedRun(redacted)) {
            redacted = redacted.replace(run, CUT);
        }
        return redacted;
    }

    private boolean leaks(String word) {
        return value.length() < LEAK_RUN ? word.contains(value) : leakedRun(word) != null;
    }

    /** The first run of {@value #LEAK_RUN} characters of the key found in {@code text}, or null. */
    private String leakedRun(String text) {
        for (int start = 0; start + LEAK_RUN <= value.length(); start++) {
            String run = value.substring(start, start + LEAK_RUN);
            if (text.contains(run)) {
                return run;
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "ApiKey[" + masked() + "]";
    }
}
