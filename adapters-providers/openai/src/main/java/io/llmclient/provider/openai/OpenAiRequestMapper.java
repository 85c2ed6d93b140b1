package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.support.skeleton.RequestMapper;
import java.net.URI;
import java.util.Map;

/**
 * Domain request -> Chat Completions request body. The token limit goes out as
 * {@code max_completion_tokens}: {@code max_tokens} is deprecated and refused by the gpt-5 and
 * o-series models (fixture {@code error-400.json}). Streams ask for the usage chunk with
 * {@code stream_options.include_usage}, since without it a stream reports no token counts.
 *
 * <p>Tools, tool choice, response format, assistant tool calls and tool results pass through in
 * OpenAI's own shapes (the contract's shapes are OpenAI's): schemas are copied as given, in
 * their order, and tool-call arguments as the JSON text they are. What the caller did not say
 * ({@code toolChoice}/{@code responseFormat} empty) is not sent.
 *
 * <p>The request: {@code POST {base}/chat/completions} with {@code Authorization: Bearer <key>}.
 */
final class OpenAiRequestMapper implements RequestMapper {
    private static final String COMPLETIONS_PATH = "chat/completions";
    // Only for valueToTree on schemas held as plain Java values; never reads or writes text.
    private static final ObjectMapper TREES = new ObjectMapper();

    private final URI endpoint;

    /** {@code https://api.openai.com/v1} -> {@code https://api.openai.com/v1/chat/completions}, with or without a trailing slash. */
    OpenAiRequestMapper(URI baseUrl) {
        String base = baseUrl.toString();
        this.endpoint = URI.create(base.endsWith("/") ? base + COMPLETIONS_PATH : base + "/" + COMPLETIONS_PATH);
    }

    @Override
    public ObjectNode body(ChatRequest request, CallContext context, boolean stream) {
        return map(request, context.model().providerModel(), stream);
    }

    @Override
    public Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context, boolean stream) {
        return client.post()
                .uri(endpoint)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + key.value())
                .accept(stream ? MediaTypes.TEXT_EVENT_STREAM : MediaTypes.APPLICATION_JSON);
    }

    @Override
    public String endpoint() {
        return endpoint.toString();
    }

    static ObjectNode map(ChatRequest request, String providerModel, boolean stream) {
        ObjectNode body = TREES.createObjectNode();
        body.put("model", providerModel);
        ArrayNode messages = body.putArray("messages");
        for (Message message : request.messages()) {
            messages.add(message(message));
        }
        request.temperature().ifPresent(temperature -> body.put("temperature", temperature));
        request.maxTokens().ifPresent(limit -> body.put("max_completion_tokens", limit));
        if (!request.stop().isEmpty()) {
            request.stop().forEach(body.putArray("stop")::add);
        }
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        if (!request.tools().isEmpty()) {
            ArrayNode tools = body.putArray("tools");
            request.tools().forEach(tool -> tools.add(tool(tool)));
            // OpenAI refuses tool_choice without tools ("only allowed when tools are specified");
            // without tools, "auto" and "none" both mean no call, which is what OpenAI does anyway.
            request.toolChoice().ifPresent(choice -> body.set("tool_choice", toolChoice(choice)));
        }
        request.responseFormat().ifPresent(format -> body.set("response_format", responseFormat(format)));
        return body;
    }

    private static ObjectNode message(Message message) {
        ObjectNode wire = TREES.createObjectNode().put("role", message.role().wireName());
        if (!message.toolCalls().isEmpty()) {
            // OpenAI's own history has "content": null when the assistant only called tools.
            if (message.content().isEmpty()) {
                wire.putNull("content");
            } else {
                wire.put("content", message.content());
            }
            ArrayNode calls = wire.putArray("tool_calls");
            message.toolCalls().forEach(call -> calls.add(toolCall(call)));
            return wire;
        }
        message.toolCallId().ifPresent(id -> wire.put("tool_call_id", id));
        return wire.put("content", message.content());
    }

    private static ObjectNode toolCall(ToolCall call) {
        ObjectNode wire = TREES.createObjectNode().put("id", call.id()).put("type", "function");
        wire.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        return wire;
    }

    private static ObjectNode tool(ToolDefinition tool) {
        ObjectNode wire = TREES.createObjectNode().put("type", "function");
        ObjectNode function = wire.putObject("function").put("name", tool.name());
        tool.description().ifPresent(description -> function.put("description", description));
        function.set("parameters", tree(tool.parameters()));
        // false is OpenAI's default: sent only when asked for, as the caller's request had it.
        if (tool.strict()) {
            function.put("strict", true);
        }
        return wire;
    }

    private static JsonNode toolChoice(ToolChoice choice) {
        return switch (choice) {
            case ToolChoice.Auto _ -> TREES.getNodeFactory().textNode("auto");
            case ToolChoice.None _ -> TREES.getNodeFactory().textNode("none");
            case ToolChoice.Required _ -> TREES.getNodeFactory().textNode("required");
            case ToolChoice.Named(String name) -> {
                ObjectNode named = TREES.createObjectNode().put("type", "function");
                named.putObject("function").put("name", name);
                yield named;
            }
        };
    }

    private static ObjectNode responseFormat(ResponseFormat format) {
        ObjectNode wire = TREES.createObjectNode();
        switch (format) {
            case ResponseFormat.Text _ -> wire.put("type", "text");
            case ResponseFormat.JsonObject _ -> wire.put("type", "json_object");
            case ResponseFormat.JsonSchema schema -> {
                wire.put("type", "json_schema");
                ObjectNode jsonSchema = wire.putObject("json_schema").put("name", schema.name());
                schema.description().ifPresent(description -> jsonSchema.put("description", description));
                jsonSchema.set("schema", tree(schema.schema()));
                if (schema.strict()) {
                    jsonSchema.put("strict", true);
                }
            }
        }
        return wire;
    }

    private static ObjectNode tree(Map<String, Object> schema) {
        return TREES.valueToTree(schema);
    }
}
