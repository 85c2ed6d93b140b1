package io.llmclient.inbound.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.inbound.support.context.RandomIds;
import java.io.IOException;
import java.util.Optional;

/**
 * The JSON of Anthropic's answers: the {@code message} object and the events of a stream, in the
 * member order of the recorded fixtures. {@code model} is always the catalog id the request
 * resolved to.
 */
final class AnthropicShapes {
    private static final String MSG_PREFIX = "msg_";
    private static final ObjectMapper ARGUMENTS = new ObjectMapper();

    private final JsonNodeFactory nodes;

    AnthropicShapes(JsonNodeFactory nodes) {
        this.nodes = nodes;
    }

    /**
     * Anthropic's {@code stop_reason} for a finish reason; empty for {@code error}, which is no
     * answer. A content filter is Anthropic's own {@code refusal}.
     */
    static Optional<String> stopReason(ChatResponse response) {
        return switch (response.finishReason()) {
            case STOP -> Optional.of(response.stopSequence().isPresent() ? "stop_sequence" : "end_turn");
            case LENGTH -> Optional.of("max_tokens");
            case TOOL_CALLS -> Optional.of("tool_use");
            case CONTENT_FILTER -> Optional.of("refusal");
            case ERROR -> Optional.empty();
        };
    }

    /** The provider's id when it is Anthropic's ({@code msg_...}), else a new one of that shape. */
    static String messageId(String providerId) {
        return providerId.startsWith(MSG_PREFIX) ? providerId : newMessageId();
    }

    static String newMessageId() {
        return MSG_PREFIX + RandomIds.hex();
    }

    /** The {@code message} object of a whole answer. */
    ObjectNode message(ChatResponse response, String stopReason) {
        ObjectNode message = nodes.objectNode();
        message.put("model", response.model());
        message.put("id", messageId(response.id()));
        message.put("type", "message");
        message.put("role", "assistant");
        var content = message.putArray("content");
        if (!response.content().isEmpty() || response.toolCalls().isEmpty()) {
            content.addObject().put("type", "text").put("text", response.content());
        }
        for (ToolCall call : response.toolCalls()) {
            ObjectNode block = content.addObject();
            block.put("type", "tool_use").put("id", call.id()).put("name", call.name());
            block.set("input", input(call.arguments()));
        }
        message.put("stop_reason", stopReason);
        stopSequence(message, response.stopSequence());
        message.set("usage", usage(response.usage()));
        return message;
    }

    /**
     * Anthropic's usage: {@code input_tokens} without what was read from or written to a prompt
     * cache, which are reported apart when known (contract section 14).
     */
    ObjectNode usage(Usage usage) {
        ObjectNode wire = nodes.objectNode();
        wire.put("input_tokens", usage.uncachedPromptTokens());
        wire.put("cache_creation_input_tokens", usage.cacheWriteTokens());
        wire.put("cache_read_input_tokens", usage.cachedReadTokens());
        wire.put("output_tokens", usage.completionTokens());
        return wire;
    }

    /** {@code message_start}: no content yet, and the gateway's estimate of the input tokens. */
    ObjectNode messageStart(String id, String model, int estimatedInput) {
        ObjectNode event = nodes.objectNode().put("type", "message_start");
        ObjectNode message = event.putObject("message");
        message.put("model", model);
        message.put("id", id);
        message.put("type", "message");
        message.put("role", "assistant");
        message.putArray("content");
        message.putNull("stop_reason");
        message.putNull("stop_sequence");
        message.putObject("usage").put("input_tokens", estimatedInput).put("output_tokens", 0);
        return event;
    }

    ObjectNode textBlockStart(int index) {
        ObjectNode event = nodes.objectNode().put("type", "content_block_start").put("index", index);
        event.putObject("content_block").put("type", "text").put("text", "");
        return event;
    }

    ObjectNode toolUseBlockStart(int index, String id, String name) {
        ObjectNode event = nodes.objectNode().put("type", "content_block_start").put("index", index);
        ObjectNode block = event.putObject("content_block").put("type", "tool_use").put("id", id).put("name", name);
        block.putObject("input");
        return event;
    }

    ObjectNode textDelta(int index, String text) {
        ObjectNode event = nodes.objectNode().put("type", "content_block_delta").put("index", index);
        event.putObject("delta").put("type", "text_delta").put("text", text);
        return event;
    }

    ObjectNode inputJsonDelta(int index, String partialJson) {
        ObjectNode event = nodes.objectNode().put("type", "content_block_delta").put("index", index);
        event.putObject("delta").put("type", "input_json_delta").put("partial_json", partialJson);
        return event;
    }

    ObjectNode blockStop(int index) {
        return nodes.objectNode().put("type", "content_block_stop").put("index", index);
    }

    /** {@code message_delta}: the stop reason and the provider's counts. */
    ObjectNode messageDelta(ChatResponse response, String stopReason) {
        ObjectNode event = nodes.objectNode().put("type", "message_delta");
        ObjectNode delta = event.putObject("delta").put("stop_reason", stopReason);
        stopSequence(delta, response.stopSequence());
        event.set("usage", usage(response.usage()));
        return event;
    }

    ObjectNode messageStop() {
        return nodes.objectNode().put("type", "message_stop");
    }

    /** {@code {"input_tokens": N}}, the answer of {@code count_tokens}. */
    ObjectNode tokenCount(int inputTokens) {
        return nodes.objectNode().put("input_tokens", inputTokens);
    }

    private static void stopSequence(ObjectNode into, Optional<String> sequence) {
        if (sequence.isPresent()) {
            into.put("stop_sequence", sequence.get());
        } else {
            into.putNull("stop_sequence");
        }
    }

    // A tool call's arguments are a JSON object text (the domain checks them); Anthropic sends the object.
    private JsonNode input(String arguments) {
        try {
            JsonNode parsed = ARGUMENTS.readTree(arguments.isBlank() ? "{}" : arguments);
            return parsed != null && parsed.isObject() ? parsed : nodes.objectNode();
        } catch (IOException notJson) {
            return nodes.objectNode();
        }
    }
}
