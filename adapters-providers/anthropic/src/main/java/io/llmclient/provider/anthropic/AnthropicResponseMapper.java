package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import java.util.Objects;

/**
 * Messages API answer -> the parts of a domain response. Only {@code text} blocks are text:
 * {@code tool_use}, {@code thinking} and other blocks are not shown to the caller.
 */
final class AnthropicResponseMapper {

    /** What a Messages answer says, before the catalog identity and latency are added. */
    record Completion(String id, String providerModel, String content, FinishReason finishReason, Usage usage) {
        Completion {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(providerModel, "providerModel");
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(finishReason, "finishReason");
            Objects.requireNonNull(usage, "usage");
        }
    }

    private AnthropicResponseMapper() {
    }

    /** Maps a whole {@code message} object. */
    static Completion completion(JsonNode message) {
        if (message == null || !message.isObject()) {
            throw new WireFormatException("the answer is not a JSON object");
        }
        JsonNode blocks = message.get("content");
        if (blocks == null || !blocks.isArray()) {
            throw new WireFormatException("the answer has no content array");
        }
        var text = new StringBuilder();
        for (JsonNode block : blocks) {
            if ("text".equals(block.path("type").asText()) && block.path("text").isTextual()) {
                text.append(block.get("text").asText());
            }
        }
        JsonNode usage = message.path("usage");
        return new Completion(message.path("id").asText(""), message.path("model").asText(""), text.toString(),
                finishReason(message.path("stop_reason").asText("")),
                new Usage(promptTokens(usage), count(usage, "output_tokens")));
    }

    /**
     * Anthropic's {@code stop_reason} in the contract's set. {@code pause_turn} (a server tool
     * paused a long turn) and reasons newer than this code count as a normal stop: the text so
     * far is whole, and nothing says it was cut.
     */
    static FinishReason finishReason(String stopReason) {
        return switch (stopReason) {
            case "max_tokens", "model_context_window_exceeded" -> FinishReason.LENGTH;
            case "tool_use" -> FinishReason.TOOL_CALLS;
            case "refusal" -> FinishReason.CONTENT_FILTER;
            default -> FinishReason.STOP;
        };
    }

    /**
     * All input the model read: uncached input plus what was written to and read from the
     * prompt cache (the contract counts cached input as prompt tokens, as OpenAI does).
     */
    static int promptTokens(JsonNode usage) {
        return count(usage, "input_tokens") + count(usage, "cache_creation_input_tokens")
                + count(usage, "cache_read_input_tokens");
    }

    /** A token count, 0 when absent or null (Anthropic omits counts that do not apply). */
    static int count(JsonNode usage, String field) {
        JsonNode value = usage.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return 0;
        }
        if (!value.canConvertToInt() || value.asInt() < 0 || !value.isIntegralNumber()) {
            throw new WireFormatException("usage." + field + " is not a token count");
        }
        return value.asInt();
    }
}
