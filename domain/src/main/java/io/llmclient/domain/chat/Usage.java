package io.llmclient.domain.chat;

/**
 * Token counts of one call. The total is always prompt + completion, whatever the provider
 * reported, so that every provider's numbers add up the same way.
 */
public record Usage(int promptTokens, int completionTokens) {
    public static final Usage ZERO = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }
}
