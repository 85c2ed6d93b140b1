package io.llmclient.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.support.skeleton.RequestMapper;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Domain request -> the body of {@code generateContent} / {@code streamGenerateContent}, in the
 * camelCase the official SDKs send: user and assistant turns become {@code contents} (roles
 * {@code user} and {@code model}), system turns become {@code systemInstruction}, sampling goes
 * to {@code generationConfig}.
 *
 * <p>Tool calling (docs/providers/gemini.md, "Tool calling"): declared tools become one
 * {@code tools[].functionDeclarations} entry whose JSON Schema travels unchanged as
 * {@code parametersJsonSchema}; the tool choice becomes {@code toolConfig.functionCallingConfig};
 * an assistant's calls become {@code functionCall} parts of its {@code model} turn; the tool
 * messages that answer them become one {@code user} turn of {@code functionResponse} parts, in
 * the calls' order; a response format becomes {@code responseMimeType} (and
 * {@code responseJsonSchema}).
 *
 * <p>The request: {@code POST {base}/v1beta/models/<model>:generateContent}, or
 * {@code :streamGenerateContent?alt=sse} for a stream, with the key in {@code x-goog-api-key}
 * (never in the URL).
 */
final class GeminiRequestMapper implements RequestMapper {
    static final HeaderName API_KEY = HeaderNames.create("x-goog-api-key");
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    // Strict: "{} trailing" is not a JSON object, whatever Jackson's lenient default would read.
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS).build();
    private static final String JSON_MIME_TYPE = "application/json";

    private final String models;

    GeminiRequestMapper(URI baseUrl) {
        this.models = baseUrl.toString().replaceAll("/+$", "") + "/v1beta/models";
    }

    /** The body does not depend on {@code stream}: the endpoint does. */
    @Override
    public ObjectNode body(ChatRequest request, CallContext context, boolean stream) {
        return map(request);
    }

    @Override
    public Http1ClientRequest request(Http1Client client, ApiKey key, CallContext context, boolean stream) {
        String method = stream ? ":streamGenerateContent" : ":generateContent";
        Http1ClientRequest request = client.post(models + "/" + context.model().providerModel() + method)
                .header(API_KEY, key.value());
        if (stream) {
            request.queryParam("alt", "sse");
        }
        return request;
    }

    @Override
    public String endpoint() {
        return models;
    }

    /**
     * The wire body for {@code request}.
     *
     * @throws LlmFailureException with InvalidParams naming the message field when a tool call's
     *                             arguments are not a JSON object (Gemini's {@code args} is one)
     *                             or a tool message answers no call of the assistant turn before it
     *                             (the service's validation already refuses that; a direct caller
     *                             of the adapter gets the same answer)
     */
    static ObjectNode map(ChatRequest request) {
        ObjectNode body = JSON.objectNode();
        body.set("contents", contents(request.messages()));
        ObjectNode config = body.putObject("generationConfig");
        request.maxTokens().ifPresent(max -> config.put("maxOutputTokens", max));
        request.temperature().ifPresent(temperature -> config.put("temperature", temperature));
        if (!request.stop().isEmpty()) {
            request.stop().forEach(config.putArray("stopSequences")::add);
        }
        request.responseFormat().ifPresent(format -> responseFormat(format, config));
        List<Message> system = request.messages().stream().filter(m -> m.role() == Role.SYSTEM).toList();
        if (!system.isEmpty()) {
            // Gemini has one system instruction, not system turns: every system message becomes one of
            // its parts, in order, wherever it stood in the conversation. The role is ignored by the API;
            // it is sent as "user" because the official SDKs send that.
            ObjectNode instruction = body.putObject("systemInstruction");
            ArrayNode parts = instruction.putArray("parts");
            system.forEach(message -> parts.addObject().put("text", message.content()));
            instruction.put("role", "user");
        }
        if (!request.tools().isEmpty()) {
            body.set("tools", tools(request.tools()));
            // No tool choice from the caller: nothing sent, Gemini's default is AUTO. Without tools there is
            // nothing to choose from, so a choice (auto or none) has nothing to say and is not sent either.
            request.toolChoice().ifPresent(choice -> body.putObject("toolConfig")
                    .set("functionCallingConfig", functionCallingConfig(choice)));
        }
        return body;
    }

    private static ArrayNode contents(List<Message> messages) {
        ArrayNode contents = JSON.arrayNode();
        // The calls of the latest assistant turn, by id, in call order: a tool message carries only the id,
        // Gemini wants the name.
        Map<String, ToolCall> calls = Map.of();
        // The functionResponse parts of the tool messages read so far after that turn, by the id they answer.
        Map<String, ObjectNode> answers = new LinkedHashMap<>();
        for (int i = 0; i < messages.size(); i++) {
            Message message = messages.get(i);
            if (message.role() != Role.TOOL) {
                if (!answers.isEmpty()) {
                    contents.add(answerTurn(calls, answers));
                    answers.clear();
                }
                // Only tool messages may stand between an assistant's calls and their answers.
                calls = Map.of();
            }
            switch (message.role()) {
                case SYSTEM -> {
                    // Goes to systemInstruction.
                }
                case USER -> contents.add(textTurn("user", message.content()));
                case ASSISTANT -> {
                    contents.add(modelTurn(message, i));
                    calls = byId(message.toolCalls());
                }
                case TOOL -> {
                    String id = message.toolCallId().orElse("");
                    if (!calls.containsKey(id)) {
                        throw invalid("messages[" + i + "].tool_call_id",
                                "must answer a tool call of the assistant message before it");
                    }
                    answers.put(id, functionResponse(calls.get(id), message.content()));
                }
            }
        }
        if (!answers.isEmpty()) {
            contents.add(answerTurn(calls, answers));
        }
        return contents;
    }

    /**
     * The tool messages that answer one assistant turn, as one {@code user} turn of
     * {@code functionResponse} parts in the order the calls were made (tool messages may come in
     * any order; Gemini pairs responses with calls by name and position).
     */
    private static ObjectNode answerTurn(Map<String, ToolCall> calls, Map<String, ObjectNode> answers) {
        ObjectNode content = JSON.objectNode();
        ArrayNode parts = content.putArray("parts");
        calls.keySet().stream().filter(answers::containsKey).forEach(id -> parts.add(answers.get(id)));
        content.put("role", "user");
        return content;
    }

    private static ObjectNode textTurn(String role, String text) {
        ObjectNode content = JSON.objectNode();
        content.putArray("parts").addObject().put("text", text);
        content.put("role", role);
        return content;
    }

    private static ObjectNode modelTurn(Message message, int index) {
        if (message.toolCalls().isEmpty()) {
            return textTurn("model", message.content());
        }
        ObjectNode content = JSON.objectNode();
        ArrayNode parts = content.putArray("parts");
        if (!message.content().isEmpty()) {
            parts.addObject().put("text", message.content());
        }
        List<ToolCall> calls = message.toolCalls();
        for (int j = 0; j < calls.size(); j++) {
            ToolCall call = calls.get(j);
            // No id is sent: ours are generated (Gemini gives none), and Gemini pairs calls with responses by
            // name and order.
            ObjectNode part = parts.addObject();
            ObjectNode functionCall = part.putObject("functionCall");
            functionCall.put("name", call.name());
            functionCall.set("args", args(call.arguments(),
                    "messages[" + index + "].tool_calls[" + j + "].function.arguments"));
            // Gemini 3 refuses a replayed call without the signature it attached, on that very part.
            call.thoughtSignature().ifPresent(signature -> part.put("thoughtSignature", signature));
        }
        content.put("role", "model");
        return content;
    }

    /** Gemini's {@code args} is an object, not text: the arguments must be a JSON object (blank is {}). */
    private static JsonNode args(String arguments, String field) {
        if (arguments.isBlank()) {
            return JSON.objectNode();
        }
        try {
            JsonNode parsed = MAPPER.readTree(arguments);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (JsonProcessingException notJson) {
            // Refused below, like any other non-object.
        }
        throw invalid(field, "must be a JSON object for provider gemini (its functionCall.args is an object)");
    }

    private static ObjectNode functionResponse(ToolCall call, String result) {
        ObjectNode part = JSON.objectNode();
        ObjectNode functionResponse = part.putObject("functionResponse");
        functionResponse.put("name", call.name());
        functionResponse.set("response", response(result));
        return part;
    }

    /**
     * Gemini's {@code response} is an object. A result that is a JSON object is passed as that
     * object (as the docs' examples do); any other text goes in {@code {"output": text}}, the key
     * Gemini's API reference names for a function's output.
     */
    private static JsonNode response(String content) {
        try {
            JsonNode parsed = MAPPER.readTree(content);
            if (parsed != null && parsed.isObject()) {
                return parsed;
            }
        } catch (JsonProcessingException notJson) {
            // Plain text: wrapped below.
        }
        ObjectNode wrapped = JSON.objectNode();
        wrapped.put("output", content);
        return wrapped;
    }

    private static Map<String, ToolCall> byId(List<ToolCall> calls) {
        Map<String, ToolCall> byId = new LinkedHashMap<>();
        calls.forEach(call -> byId.put(call.id(), call));
        return byId;
    }

    private static ArrayNode tools(List<ToolDefinition> tools) {
        ArrayNode wire = JSON.arrayNode();
        ArrayNode declarations = wire.addObject().putArray("functionDeclarations");
        for (ToolDefinition tool : tools) {
            ObjectNode declaration = declarations.addObject();
            declaration.put("name", tool.name());
            tool.description().ifPresent(description -> declaration.put("description", description));
            // The caller's JSON Schema as given: parametersJsonSchema takes JSON Schema (additionalProperties,
            // $ref, anyOf, type arrays...), where `parameters` takes only Gemini's OpenAPI subset.
            declaration.set("parametersJsonSchema", MAPPER.valueToTree(tool.parameters()));
        }
        return wire;
    }

    private static ObjectNode functionCallingConfig(ToolChoice choice) {
        ObjectNode config = JSON.objectNode();
        switch (choice) {
            case ToolChoice.Auto _ -> config.put("mode", "AUTO");
            case ToolChoice.None _ -> config.put("mode", "NONE");
            case ToolChoice.Required _ -> config.put("mode", "ANY");
            case ToolChoice.Named named -> {
                config.put("mode", "ANY");
                config.putArray("allowedFunctionNames").add(named.name());
            }
        }
        return config;
    }

    private static void responseFormat(ResponseFormat format, ObjectNode config) {
        switch (format) {
            // Free text is Gemini's default: nothing to send.
            case ResponseFormat.Text _ -> { }
            case ResponseFormat.JsonObject _ -> config.put("responseMimeType", JSON_MIME_TYPE);
            case ResponseFormat.JsonSchema schema -> {
                config.put("responseMimeType", JSON_MIME_TYPE);
                ObjectNode wire = MAPPER.valueToTree(schema.schema());
                // Gemini has no place for the format's name (an identifier for the caller); its description
                // guides the model, which is what a JSON Schema's own description is for.
                schema.description().filter(description -> !wire.has("description"))
                        .ifPresent(description -> wire.put("description", description));
                config.set("responseJsonSchema", wire);
            }
        }
    }

    private static LlmFailureException invalid(String field, String message) {
        return new LlmFailureException(new LlmFailure.InvalidParams(List.of(new FieldError(field, message))));
    }
}
