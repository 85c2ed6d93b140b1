package io.llmclient.application.service;

/**
 * The input tokens of a request on the model it resolved to ({@code count_tokens}): the provider's
 * own count when it has one ({@code counted}), else the gateway's estimate.
 *
 * @param model   the catalog id the request resolved to
 * @param counted true when the provider counted, false for the gateway's estimate
 */
public record TokenCount(String model, int inputTokens, boolean counted) {
    public TokenCount {
        java.util.Objects.requireNonNull(model, "model");
        if (inputTokens < 0) {
            throw new IllegalArgumentException("inputTokens must be >= 0");
        }
    }
}
