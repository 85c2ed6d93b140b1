package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;

/**
 * Chat Completions wire values -> domain values: the {@code chat.completion} body, and the
 * pieces a stream's chunks share with it (finish reason, usage).
 */
final class OpenAiResponseMapper {

    private OpenAiResponseMapper() {
    }

    /** What a {@code chat.completion} body says, before the call's context is added. */
    record Completion(String id, String providerModel, String content, FinishReason finishReason, Usage usage) {
    }

    static Completion completion(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new WireFormatException("the body is not a JSON object");
        }
        JsonNode choice = root.path("choices").path(0);
        if (!choice.isObject()) {
            throw new WireFormatException("the body has no choices[0]");
        }
        JsonNode content = choice.path("message").path("content");
        // content is null when the model answered only with tool calls: that is no text, not an error.
        String text = content.isTextual() ? content.asText() : "";
        return new Completion(textOr(root, "id", ""), textOr(root, "model", ""), text,
                finishReason(choice.get("finish_reason")), usage(root.get("usage")));
    }

    /**
     * The contract's finish reason for OpenAI's. {@code function_call} is the deprecated name
     * of {@code tool_calls}. A missing or unknown reason maps to {@code error}: we cannot vouch
     * that such an answer is complete.
     */
    static FinishReason finishReason(JsonNode wire) {
        if (wire == null || !wire.isTextual()) {
            return FinishReason.ERROR;
        }
        return switch (wire.asText()) {
            case "stop" -> FinishReason.STOP;
            case "length" -> FinishReason.LENGTH;
            case "content_filter" -> FinishReason.CONTENT_FILTER;
            case "tool_calls", "function_call" -> FinishReason.TOOL_CALLS;
            default -> FinishReason.ERROR;
        };
    }

    /**
     * Prompt and completion tokens; OpenAI's completion count already includes reasoning
     * tokens, as the contract wants. The total is recomputed by {@link Usage}.
     */
    static Usage usage(JsonNode usage) {
        if (usage == null || usage.isNull()) {
            return Usage.ZERO;
        }
        JsonNode prompt = usage.path("prompt_tokens");
        JsonNode completion = usage.path("completion_tokens");
        if (!prompt.canConvertToInt() || !completion.canConvertToInt() || !prompt.isIntegralNumber()
                || !completion.isIntegralNumber() || prompt.asInt() < 0 || completion.asInt() < 0) {
            throw new WireFormatException("usage has no valid prompt_tokens and completion_tokens");
        }
        return new Usage(prompt.asInt(), completion.asInt());
    }

    static String textOr(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : fallback;
    }
}
