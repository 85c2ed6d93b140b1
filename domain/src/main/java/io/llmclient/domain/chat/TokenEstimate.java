package io.llmclient.domain.chat;

import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolDefinition;

/**
 * The gateway's own estimate of a request's input tokens, where no provider count is at hand:
 * {@code count_tokens} for a model whose provider cannot count, and {@code message_start} of an
 * Anthropic-surface stream before the provider reports its count.
 *
 * <p>The rule (docs/anthropic-clients.md): one token per 4 characters, rounded up, of every text
 * the model reads (message contents, tool calls' names and arguments, tool definitions' names,
 * descriptions and parameter schemas), plus 4 tokens per message for its role and framing. Four
 * characters a token is the usual rule of thumb for English text with the providers' tokenizers;
 * it is an estimate, not a bill: usage in results is always the provider's count.
 */
public final class TokenEstimate {
    private static final int CHARS_PER_TOKEN = 4;
    private static final int TOKENS_PER_MESSAGE = 4;

    private TokenEstimate() {
    }

    /** The estimated input tokens of {@code request}; at least 1. */
    public static int of(ChatRequest request) {
        long chars = 0;
        for (Message message : request.messages()) {
            chars += message.content().length();
            for (ToolCall call : message.toolCalls()) {
                chars += call.name().length() + call.arguments().length();
            }
        }
        for (ToolDefinition tool : request.tools()) {
            chars += tool.name().length() + tool.description().map(String::length).orElse(0)
                    + tool.parameters().toString().length();
        }
        long tokens = (chars + CHARS_PER_TOKEN - 1) / CHARS_PER_TOKEN
                + (long) TOKENS_PER_MESSAGE * request.messages().size();
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, tokens));
    }
}
