package io.llmclient.domain.chat;

/**
 * Token counts of one call. The total is always prompt + completion, whatever the provider
 * reported, so that every provider's numbers add up the same way.
 *
 * <p>{@code promptTokens} includes cached input (contract section 9). Of it,
 * {@code cachedReadTokens} were read from the provider's prompt cache (OpenAI
 * {@code prompt_tokens_details.cached_tokens}, Anthropic {@code cache_read_input_tokens}, Gemini
 * {@code cachedContentTokenCount}) and {@code cacheWriteTokens} were written to it (Anthropic
 * {@code cache_creation_input_tokens}); both are 0 when the provider does not say. Cost prices
 * them apart (contract section 14).
 */
public record Usage(int promptTokens, int completionTokens, int cachedReadTokens, int cacheWriteTokens) {
    public static final Usage ZERO = new Usage(0, 0);

    public Usage {
        if (promptTokens < 0 || completionTokens < 0 || cachedReadTokens < 0 || cacheWriteTokens < 0) {
            throw new IllegalArgumentException("token counts must be >= 0");
        }
    }

    /** Counts of a provider that reports nothing about its prompt cache. */
    public Usage(int promptTokens, int completionTokens) {
        this(promptTokens, completionTokens, 0, 0);
    }

    public int totalTokens() {
        return promptTokens + completionTokens;
    }

    /** Prompt tokens that were neither read from nor written to a cache; never below 0. */
    public int uncachedPromptTokens() {
        return Math.max(0, promptTokens - cachedReadTokens - cacheWriteTokens);
    }
}
