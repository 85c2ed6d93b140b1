package io.llmclient.domain.validation;

/**
 * Limits on what one chat request may hold, checked while it is validated. Configured by the
 * operator ({@code LLM_MAX_MESSAGES}) and handed down; the domain reads no configuration.
 *
 * @param maxMessages the most messages one request may carry; more is an InvalidParams on {@code messages}
 */
public record RequestLimits(int maxMessages) {
    /** The default message limit: far above any real conversation, low enough to bound the work per request. */
    public static final int DEFAULT_MAX_MESSAGES = 1000;

    public RequestLimits {
        if (maxMessages <= 0) {
            throw new IllegalArgumentException("maxMessages must be > 0");
        }
    }

    /** The defaults above. */
    public static RequestLimits defaults() {
        return new RequestLimits(DEFAULT_MAX_MESSAGES);
    }
}
