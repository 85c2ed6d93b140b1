package io.llmclient.inbound.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.service.ModelListing;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.inbound.support.tools.ToolCallJson;
import java.util.Optional;

/**
 * Domain results in OpenAI's response shapes: {@code chat.completion}, {@code chat.completion.chunk}
 * (member for member as in the recorded {@code openai/chat-stream.sse}), and the model list.
 * {@code model} is always the catalog id the request resolved to (contract section 9).
 */
final class OpenAiShapes {
    private final JsonNodeFactory nodes;

    OpenAiShapes(JsonNodeFactory nodes) {
        this.nodes = nodes;
    }

    /**
     * OpenAI's finish reason; empty for {@link FinishReason#ERROR}, which exists only in JSON-RPC
     * results: this surface reports it as an error (contract section 9).
     */
    static Optional<String> finishReason(FinishReason reason) {
        return switch (reason) {
            case STOP, LENGTH, CONTENT_FILTER, TOOL_CALLS -> Optional.of(reason.wireName());
            case ERROR -> Optional.empty();
        };
    }

    ObjectNode completion(ChatResponse response, long created, String finishReason) {
        ObjectNode body = nodes.objectNode();
        body.put("id", response.id());
        body.put("object", "chat.completion");
        body.put("created", created);
        body.put("model", response.model());
        ObjectNode choice = body.putArray("choices").addObject();
        choice.put("index", 0);
        ObjectNode message = choice.putObject("message");
        message.put("role", "assistant");
        boolean calls = !response.toolCalls().isEmpty();
        // OpenAI sends null, not "", as the content of a message that only calls tools.
        if (calls && response.content().isEmpty()) {
            message.putNull("content");
        } else {
            message.put("content", response.content());
        }
        if (calls) {
            message.set("tool_calls", ToolCallJson.calls(response.toolCalls(), nodes));
        }
        message.putNull("refusal");
        choice.putNull("logprobs");
        choice.put("finish_reason", finishReason);
        body.set("usage", usage(response.usage()));
        body.putNull("system_fingerprint");
        return body;
    }

    /** The first chunk: the assistant role with empty content. */
    ObjectNode roleChunk(String id, String model, long created) {
        ObjectNode chunk = chunk(id, model, created);
        ObjectNode delta = choice(chunk).putObject("delta");
        delta.put("role", "assistant");
        delta.put("content", "");
        delta.putNull("refusal");
        return finish(chunk, null);
    }

    ObjectNode contentChunk(String id, String model, long created, String text) {
        ObjectNode chunk = chunk(id, model, created);
        choice(chunk).putObject("delta").put("content", text);
        return finish(chunk, null);
    }

    /** One tool-call fragment, as in the recorded {@code openai/chat-stream-toolcall*.sse}. */
    ObjectNode toolCallChunk(String id, String model, long created, StreamEvent.ToolCallDelta fragment) {
        ObjectNode chunk = chunk(id, model, created);
        choice(chunk).putObject("delta").putArray("tool_calls").add(ToolCallJson.fragment(fragment, nodes));
        return finish(chunk, null);
    }

    ObjectNode finishChunk(String id, String model, long created, String finishReason) {
        ObjectNode chunk = chunk(id, model, created);
        choice(chunk).putObject("delta");
        return finish(chunk, finishReason);
    }

    /** The usage chunk: no choices, only usage (sent when {@code stream_options.include_usage}). */
    ObjectNode usageChunk(String id, String model, long created, Usage usage) {
        ObjectNode chunk = chunk(id, model, created);
        chunk.putArray("choices");
        chunk.set("usage", usage(usage));
        return chunk;
    }

    ObjectNode models(ModelListing listing, long created) {
        ObjectNode body = nodes.objectNode();
        body.put("object", "list");
        ArrayNode data = body.putArray("data");
        listing.models().forEach(listed -> data.add(model(listed, created)));
        return body;
    }

    ObjectNode model(ModelListing.Listed listed, long created) {
        ObjectNode model = nodes.objectNode();
        model.put("id", listed.model().id());
        model.put("object", "model");
        model.put("created", created);
        model.put("owned_by", listed.model().provider().value());
        return model;
    }

    private ObjectNode chunk(String id, String model, long created) {
        ObjectNode chunk = nodes.objectNode();
        chunk.put("id", id);
        chunk.put("object", "chat.completion.chunk");
        chunk.put("created", created);
        chunk.put("model", model);
        chunk.putNull("system_fingerprint");
        return chunk;
    }

    private static ObjectNode choice(ObjectNode chunk) {
        ObjectNode choice = chunk.putArray("choices").addObject();
        choice.put("index", 0);
        return choice;
    }

    // logprobs and finish_reason follow the delta, in the fixture's member order.
    private static ObjectNode finish(ObjectNode chunk, String finishReason) {
        ObjectNode choice = (ObjectNode) chunk.get("choices").get(0);
        choice.putNull("logprobs");
        if (finishReason == null) {
            choice.putNull("finish_reason");
        } else {
            choice.put("finish_reason", finishReason);
        }
        return chunk;
    }

    private ObjectNode usage(Usage usage) {
        ObjectNode node = nodes.objectNode();
        node.put("prompt_tokens", usage.promptTokens());
        node.put("completion_tokens", usage.completionTokens());
        node.put("total_tokens", usage.totalTokens());
        return node;
    }
}
