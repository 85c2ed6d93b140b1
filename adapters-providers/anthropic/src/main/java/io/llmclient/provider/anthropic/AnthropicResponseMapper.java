package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Messages API answer -> the parts of a domain response. {@code text} blocks are the text;
 * {@code tool_use} blocks are the tool calls, in their order, each with its {@code input} as
 * arguments text ({@link WireJson#compact}); {@code thinking}, server-tool and other blocks are
 * not shown to the caller.
 */
final class AnthropicResponseMapper {

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
        List<ToolCall> calls = new ArrayList<>();
        for (JsonNode block : blocks) {
            String type = block.path("type").asText();
            if ("text".equals(type) && block.path("text").isTextual()) {
                text.append(block.get("text").asText());
            } else if ("tool_use".equals(type)) {
                calls.add(toolCall(block, calls.size()));
            }
        }
        JsonNode usage = message.path("usage");
        return new Completion(message.path("id").asText(""), message.path("model").asText(""), text.toString(),
                calls, finishReason(message.path("stop_reason").asText("")),
                new Usage(promptTokens(usage), count(usage, "output_tokens"), count(usage, "cache_read_input_tokens"),
                        count(usage, "cache_creation_input_tokens")))
                .withStopSequence(stopSequence(message.path("stop_reason"), message.path("stop_sequence")));
    }

    private static ToolCall toolCall(JsonNode block, int position) {
        JsonNode input = block.path("input");
        if (!input.isObject()) {
            throw new WireFormatException("tool_use block " + position + " has no input object");
        }
        return new ToolCall(required(block, "id", position), required(block, "name", position), WireJson.compact(input));
    }

    /** Which of the caller's stop sequences ended the answer, when Anthropic says so. */
    static Optional<String> stopSequence(JsonNode stopReason, JsonNode sequence) {
        return "stop_sequence".equals(stopReason.asText("")) && sequence.isTextual() && !sequence.asText().isEmpty()
                ? Optional.of(sequence.asText()) : Optional.empty();
    }

    /** A string member a {@code tool_use} block must have, non-empty. */
    static String required(JsonNode block, String field, int position) {
        JsonNode value = block.path(field);
        if (!value.isTextual() || value.asText().isEmpty()) {
            throw new WireFormatException("tool_use block " + position + " has no " + field);
        }
        return value.asText();
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
        return promptTokens(count(usage, "input_tokens"), count(usage, "cache_creation_input_tokens"),
                count(usage, "cache_read_input_tokens"));
    }

    /** The sum of the three input counts; one too large for an int is no token count either. */
    static int promptTokens(int input, int cacheWrite, int cacheRead) {
        try {
            return Math.addExact(Math.addExact(input, cacheWrite), cacheRead);
        } catch (ArithmeticException overflow) {
            throw new WireFormatException("usage input counts add up to more than an int");
        }
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
