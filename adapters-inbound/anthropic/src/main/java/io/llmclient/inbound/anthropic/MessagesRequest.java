package io.llmclient.inbound.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.inbound.support.body.JsonCodec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * An Anthropic Messages request turned into the params the domain's request parser reads (the same
 * params as JSON-RPC {@code llm.complete}, whose tool calling uses OpenAI's shapes), plus what only
 * this surface needs. Every broken field is reported at once, named by its path in the Anthropic
 * request ({@code messages[0].content[1].type}).
 *
 * <h2>Mapping</h2>
 * <ul>
 *   <li>{@code model} and {@code max_tokens} are required ({@code max_tokens} >= 1), as Anthropic
 *       requires them; {@code count_tokens} takes no {@code max_tokens}.</li>
 *   <li>{@code system}, a string or text blocks, becomes the first message, role {@code system}.</li>
 *   <li>A user turn's {@code tool_result} blocks become {@code tool} messages, in order, then its text
 *       blocks one user message (joined by a line break); each {@code tool_result} must answer a
 *       {@code tool_use} of the assistant turn just before it, as Anthropic requires. An assistant
 *       turn's text becomes its content and its {@code tool_use} blocks its tool calls (arguments:
 *       the compact JSON of {@code input}).</li>
 *   <li>{@code image}, {@code document}, thinking and server-tool blocks, and block types this code
 *       does not know, are refused naming {@code ...content[j].type}: no provider adapter sends them,
 *       and dropping them would change the question. {@code cache_control} is ignored.</li>
 *   <li>{@code tools} ({@code name}, {@code description}, {@code input_schema}) become functions;
 *       Anthropic's server tools (a {@code type} other than {@code custom}) are refused.
 *       {@code tool_choice} {@code auto}, {@code any}, {@code tool}, {@code none} become
 *       {@code auto}, {@code required}, the named function, {@code none}.</li>
 *   <li>{@code stop_sequences} become the request's stop sequences (at most 4, decision 33);
 *       {@code temperature} must lie in 0..1, Anthropic's range; {@code metadata} must be an object
 *       and is not forwarded; {@code stream} must be a boolean.</li>
 *   <li>Other top-level fields ({@code top_p}, {@code top_k}, {@code thinking}, {@code service_tier},
 *       ...) are ignored, so that SDK and agent defaults never make a request fail.</li>
 * </ul>
 *
 * @param params  the domain params
 * @param stream  whether the answer is streamed
 * @param origins for each message of {@code params}, the path of the Anthropic field it came from
 *                ({@code system} or {@code messages[i]}), to name domain errors as the caller wrote them
 */
record MessagesRequest(Map<String, Object> params, boolean stream, List<String> origins) {
    private static final String TYPE = "type";
    private static final double MAX_TEMPERATURE = 1.0;
    private static final Set<String> UNSUPPORTED_BLOCKS = Set.of("image", "document", "thinking",
            "redacted_thinking", "server_tool_use", "web_search_tool_result", "search_result", "container_upload");

    MessagesRequest {
        Objects.requireNonNull(params, "params");
        origins = List.copyOf(origins);
    }

    /** Reads a {@code /v1/messages} body; throws InvalidParams listing every broken field. */
    static MessagesRequest read(JsonNode body) {
        return read(body, true);
    }

    /** Reads a {@code /v1/messages/count_tokens} body, which has no {@code max_tokens}. */
    static MessagesRequest readForCounting(JsonNode body) {
        return read(body, false);
    }

    private static MessagesRequest read(JsonNode body, boolean needsMaxTokens) {
        var errors = new ArrayList<FieldError>();
        var params = new LinkedHashMap<String, Object>();
        var origins = new ArrayList<String>();
        model(body, params, errors);
        if (needsMaxTokens) {
            maxTokens(body, params, errors);
        }
        var messages = new ArrayList<Object>();
        system(body.get("system"), messages, origins, errors);
        messages(body.get("messages"), messages, origins, errors);
        params.put("messages", messages);
        temperature(body.get("temperature"), params, errors);
        stopSequences(body.get("stop_sequences"), params, errors);
        tools(body.get("tools"), params, errors);
        toolChoice(body.get("tool_choice"), params, errors);
        metadata(body.get("metadata"), errors);
        boolean stream = stream(body.get("stream"), errors);
        if (!errors.isEmpty()) {
            throw new LlmFailureException(new LlmFailure.InvalidParams(errors));
        }
        return new MessagesRequest(params, stream, origins);
    }

    /** A validation failure of the domain with its fields named as in the Anthropic request. */
    LlmFailure named(LlmFailure failure) {
        if (!(failure instanceof LlmFailure.InvalidParams invalid)) {
            return failure;
        }
        return new LlmFailure.InvalidParams(invalid.errors().stream()
                .map(error -> new FieldError(field(error.field()), error.message())).toList());
    }

    private String field(String domainField) {
        if (domainField.startsWith("messages[")) {
            int end = domainField.indexOf(']');
            int index = Integer.parseInt(domainField.substring("messages[".length(), end));
            if (index < origins.size()) {
                return origins.get(index) + domainField.substring(end + 1);
            }
        }
        if (domainField.equals("stop") || domainField.startsWith("stop[")) {
            return "stop_sequences" + domainField.substring("stop".length());
        }
        if (domainField.startsWith("tools[")) {
            return domainField.replace(".function.parameters", ".input_schema").replace(".function.", ".");
        }
        return domainField;
    }

    private static void model(JsonNode body, Map<String, Object> params, List<FieldError> errors) {
        JsonNode model = body.get("model");
        if (model == null || model.isNull()) {
            errors.add(new FieldError("model", "Field required"));
        } else if (!model.isTextual()) {
            errors.add(new FieldError("model", "must be a string"));
        } else {
            params.put("model", model.textValue());
        }
    }

    private static void maxTokens(JsonNode body, Map<String, Object> params, List<FieldError> errors) {
        JsonNode max = body.get("max_tokens");
        if (max == null || max.isNull()) {
            errors.add(new FieldError("max_tokens", "Field required"));
        } else if (!max.isIntegralNumber() || !max.canConvertToInt() || max.intValue() < 1) {
            errors.add(new FieldError("max_tokens", "must be an integer between 1 and " + Integer.MAX_VALUE));
        } else {
            params.put("max_tokens", max.intValue());
        }
    }

    private static void system(JsonNode system, List<Object> messages, List<String> origins,
                               List<FieldError> errors) {
        if (system == null || system.isNull()) {
            return;
        }
        String text = textOf(system, "system", errors);
        if (text != null && !text.isEmpty()) {
            messages.add(message("system", text));
            origins.add("system");
        }
    }

    private static void messages(JsonNode given, List<Object> messages, List<String> origins,
                                 List<FieldError> errors) {
        if (given == null || given.isNull()) {
            errors.add(new FieldError("messages", "Field required"));
            return;
        }
        if (!given.isArray()) {
            errors.add(new FieldError("messages", "must be an array of messages"));
            return;
        }
        if (given.isEmpty()) {
            errors.add(new FieldError("messages", "must not be empty"));
            return;
        }
        Set<String> previousToolUses = Set.of();
        for (int i = 0; i < given.size(); i++) {
            String path = "messages[" + i + "]";
            JsonNode message = given.get(i);
            if (!message.isObject()) {
                errors.add(new FieldError(path, "must be an object with role and content"));
                previousToolUses = Set.of();
                continue;
            }
            String role = message.path("role").asText("");
            JsonNode content = message.get("content");
            if (!role.equals("user") && !role.equals("assistant")) {
                errors.add(new FieldError(path + ".role", "must be one of: user, assistant"));
            }
            if (content == null || content.isNull()) {
                errors.add(new FieldError(path + ".content", "Field required"));
                previousToolUses = Set.of();
                continue;
            }
            if (content.isTextual()) {
                if (role.equals("user") || role.equals("assistant")) {
                    messages.add(message(role, content.textValue()));
                    origins.add(path);
                }
                previousToolUses = Set.of();
                continue;
            }
            if (!content.isArray()) {
                errors.add(new FieldError(path + ".content", "must be a string or an array of content blocks"));
                previousToolUses = Set.of();
                continue;
            }
            if (content.isEmpty()) {
                errors.add(new FieldError(path + ".content", "must not be empty"));
            }
            previousToolUses = role.equals("assistant")
                    ? assistant(content, path, messages, origins, errors)
                    : user(content, path, previousToolUses, role.equals("user"), messages, origins, errors);
        }
    }

    // The turn's text and tool calls; returns the ids of its tool_use blocks, which the next turn may answer.
    private static Set<String> assistant(JsonNode blocks, String path, List<Object> messages, List<String> origins,
                                         List<FieldError> errors) {
        var text = new StringBuilder();
        var calls = new ArrayList<Object>();
        var ids = new HashSet<String>();
        for (int j = 0; j < blocks.size(); j++) {
            String at = path + ".content[" + j + "]";
            JsonNode block = blocks.get(j);
            String type = blockType(block, at, errors);
            if (type == null) {
                continue;
            }
            switch (type) {
                case "text" -> appendText(block, at, text, errors);
                case "tool_use" -> {
                    Map<String, Object> call = toolUse(block, at, errors);
                    if (call != null) {
                        calls.add(call);
                        ids.add((String) call.get("id"));
                    }
                }
                case "tool_result" -> errors.add(new FieldError(at + ".type",
                        "tool_result blocks are only allowed in user messages"));
                default -> unsupported(type, at, errors);
            }
        }
        var message = new LinkedHashMap<String, Object>();
        message.put("role", "assistant");
        message.put("content", text.toString());
        if (!calls.isEmpty()) {
            message.put("tool_calls", calls);
        }
        messages.add(message);
        origins.add(path);
        return ids;
    }

    private static Set<String> user(JsonNode blocks, String path, Set<String> answerable, boolean known,
                                    List<Object> messages, List<String> origins, List<FieldError> errors) {
        var text = new StringBuilder();
        boolean hasText = false;
        var results = new ArrayList<Object>();
        for (int j = 0; j < blocks.size(); j++) {
            String at = path + ".content[" + j + "]";
            JsonNode block = blocks.get(j);
            String type = blockType(block, at, errors);
            if (type == null) {
                continue;
            }
            switch (type) {
                case "text" -> {
                    if (hasText) {
                        text.append('\n');
                    }
                    hasText = true;
                    appendText(block, at, text, errors);
                }
                case "tool_result" -> {
                    Map<String, Object> result = toolResult(block, at, answerable, errors);
                    if (result != null) {
                        results.add(result);
                    }
                }
                case "tool_use" -> errors.add(new FieldError(at + ".type",
                        "tool_use blocks are only allowed in assistant messages"));
                default -> unsupported(type, at, errors);
            }
        }
        if (!known) {
            return Set.of();
        }
        for (Object result : results) {
            messages.add(result);
            origins.add(path);
        }
        if (hasText || results.isEmpty()) {
            messages.add(message("user", text.toString()));
            origins.add(path);
        }
        return Set.of();
    }

    private static String blockType(JsonNode block, String at, List<FieldError> errors) {
        if (!block.isObject()) {
            errors.add(new FieldError(at, "must be a content block object"));
            return null;
        }
        JsonNode type = block.get(TYPE);
        if (type == null || !type.isTextual()) {
            errors.add(new FieldError(at + ".type", "Field required"));
            return null;
        }
        return type.textValue();
    }

    private static void unsupported(String type, String at, List<FieldError> errors) {
        errors.add(new FieldError(at + ".type", UNSUPPORTED_BLOCKS.contains(type)
                ? type + " blocks are not supported by this gateway; only text, tool_use and tool_result"
                : "unknown content block type '" + shorten(type) + "'; only text, tool_use and tool_result"));
    }

    private static void appendText(JsonNode block, String at, StringBuilder text, List<FieldError> errors) {
        JsonNode value = block.get("text");
        if (value == null || !value.isTextual()) {
            errors.add(new FieldError(at + ".text", "must be a string"));
            return;
        }
        text.append(value.textValue());
    }

    private static Map<String, Object> toolUse(JsonNode block, String at, List<FieldError> errors) {
        int before = errors.size();
        String id = requiredString(block, "id", at, errors);
        String name = requiredString(block, "name", at, errors);
        JsonNode input = block.path("input");
        if (!input.isObject()) {
            errors.add(new FieldError(at + ".input", "must be an object"));
        }
        if (errors.size() > before) {
            return null;
        }
        var function = new LinkedHashMap<String, Object>();
        function.put("name", name);
        function.put("arguments", input.toString());
        var call = new LinkedHashMap<String, Object>();
        call.put("id", id);
        call.put(TYPE, "function");
        call.put("function", function);
        return call;
    }

    private static Map<String, Object> toolResult(JsonNode block, String at, Set<String> answerable,
                                                  List<FieldError> errors) {
        int before = errors.size();
        String id = requiredString(block, "tool_use_id", at, errors);
        if (id != null && !answerable.contains(id)) {
            errors.add(new FieldError(at + ".tool_use_id", "unexpected tool_use_id '" + shorten(id)
                    + "': each tool_result block must answer a tool_use block of the previous message"));
        }
        JsonNode content = block.get("content");
        String text = content == null || content.isNull() ? "" : textOf(content, at + ".content", errors);
        if (errors.size() > before) {
            return null;
        }
        var message = new LinkedHashMap<String, Object>();
        message.put("role", "tool");
        message.put("tool_call_id", id);
        message.put("content", text);
        return message;
    }

    // A string, or an array of text blocks joined by a line break; null (with an error) otherwise.
    private static String textOf(JsonNode value, String path, List<FieldError> errors) {
        if (value.isTextual()) {
            return value.textValue();
        }
        if (!value.isArray()) {
            errors.add(new FieldError(path, "must be a string or an array of text blocks"));
            return null;
        }
        var text = new StringBuilder();
        int before = errors.size();
        for (int k = 0; k < value.size(); k++) {
            String at = path + "[" + k + "]";
            String type = blockType(value.get(k), at, errors);
            if (type == null) {
                continue;
            }
            if (!type.equals("text")) {
                unsupported(type, at, errors);
                continue;
            }
            if (k > 0) {
                text.append('\n');
            }
            appendText(value.get(k), at, text, errors);
        }
        return errors.size() > before ? null : text.toString();
    }

    private static void temperature(JsonNode value, Map<String, Object> params, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isNumber() || value.doubleValue() < 0 || value.doubleValue() > MAX_TEMPERATURE) {
            errors.add(new FieldError("temperature", "must be a number between 0 and 1"));
            return;
        }
        params.put("temperature", value.doubleValue());
    }

    private static void stopSequences(JsonNode value, Map<String, Object> params, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isArray()) {
            errors.add(new FieldError("stop_sequences", "must be an array of strings"));
            return;
        }
        // Checked by the domain, whose errors are renamed (named); an empty list asks for nothing.
        if (!value.isEmpty()) {
            params.put("stop", JsonCodec.toJava(value));
        }
    }

    private static void tools(JsonNode value, Map<String, Object> params, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isArray()) {
            errors.add(new FieldError("tools", "must be an array of tools"));
            return;
        }
        var tools = new ArrayList<Object>();
        for (int i = 0; i < value.size(); i++) {
            String at = "tools[" + i + "]";
            JsonNode tool = value.get(i);
            if (!tool.isObject()) {
                errors.add(new FieldError(at, "must be an object"));
                continue;
            }
            JsonNode type = tool.get(TYPE);
            if (type != null && !type.isNull() && !"custom".equals(type.asText())) {
                errors.add(new FieldError(at + ".type", "server tools ('" + shorten(type.asText())
                        + "') are not supported by this gateway; only custom tools with an input_schema"));
                continue;
            }
            int before = errors.size();
            String name = requiredString(tool, "name", at, errors);
            JsonNode schema = tool.path("input_schema");
            if (!schema.isObject()) {
                errors.add(new FieldError(at + ".input_schema", "must be a JSON schema object"));
            }
            if (errors.size() > before) {
                continue;
            }
            var function = new LinkedHashMap<String, Object>();
            function.put("name", name);
            JsonNode description = tool.get("description");
            if (description != null && !description.isNull()) {
                function.put("description", JsonCodec.toJava(description));
            }
            function.put("parameters", JsonCodec.toJava(schema));
            tools.add(Map.of(TYPE, "function", "function", function));
        }
        if (!tools.isEmpty()) {
            params.put("tools", tools);
        }
    }

    private static void toolChoice(JsonNode value, Map<String, Object> params, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            errors.add(new FieldError("tool_choice", "must be an object with a type"));
            return;
        }
        switch (value.path(TYPE).asText("")) {
            case "auto" -> params.put("tool_choice", "auto");
            case "any" -> params.put("tool_choice", "required");
            case "none" -> params.put("tool_choice", "none");
            case "tool" -> {
                String name = requiredString(value, "name", "tool_choice", errors);
                if (name != null) {
                    params.put("tool_choice", Map.of(TYPE, "function", "function", Map.of("name", name)));
                }
            }
            default -> errors.add(new FieldError("tool_choice.type", "must be one of: auto, any, tool, none"));
        }
    }

    private static void metadata(JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return;
        }
        if (!value.isObject()) {
            errors.add(new FieldError("metadata", "must be an object"));
            return;
        }
        JsonNode user = value.get("user_id");
        if (user != null && !user.isNull() && !user.isTextual()) {
            errors.add(new FieldError("metadata.user_id", "must be a string"));
        }
    }

    private static boolean stream(JsonNode value, List<FieldError> errors) {
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            errors.add(new FieldError("stream", "must be a boolean"));
            return false;
        }
        return value.booleanValue();
    }

    private static String requiredString(JsonNode object, String name, String at, List<FieldError> errors) {
        JsonNode value = object.get(name);
        if (value == null || !value.isTextual() || value.textValue().isEmpty()) {
            errors.add(new FieldError(at + "." + name, "must be a non-empty string"));
            return null;
        }
        return value.textValue();
    }

    private static Map<String, Object> message(String role, String content) {
        var message = new LinkedHashMap<String, Object>();
        message.put("role", role);
        message.put("content", content);
        return message;
    }

    private static String shorten(String value) {
        return value.length() > 64 ? value.substring(0, 64) + "..." : value;
    }
}
