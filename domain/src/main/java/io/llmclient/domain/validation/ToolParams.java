package io.llmclient.domain.validation;

import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The tool-calling params of a chat request ({@code tools}, {@code tool_choice},
 * {@code response_format}, a message's {@code tool_calls}) in OpenAI's shapes, read from plain
 * Java values. Like {@link ChatRequestParser}, every broken field is reported, with its path.
 */
final class ToolParams {
    /** OpenAI's limit; the other providers accept at least as many. */
    static final int MAX_TOOLS = 128;
    static final int MAX_TOOL_CALL_ID_LENGTH = 256;
    private static final String FUNCTION = "function";
    private static final Set<String> TOOL_FIELDS = Set.of("type", FUNCTION);
    private static final Set<String> FUNCTION_FIELDS = Set.of("name", "description", "parameters", "strict");
    private static final String EXTRA_CONTENT = "extra_content";
    private static final String GOOGLE = "google";
    private static final String THOUGHT_SIGNATURE = "thought_signature";
    private static final Set<String> CALL_FIELDS = Set.of("id", "type", FUNCTION, EXTRA_CONTENT);
    private static final Set<String> CALL_FUNCTION_FIELDS = Set.of("name", "arguments");
    private static final Set<String> FORMAT_FIELDS = Set.of("type", "json_schema");
    private static final Set<String> SCHEMA_FIELDS = Set.of("name", "description", "schema", "strict");
    private static final String CHOICES = "must be \"auto\", \"none\", \"required\" or "
            + "{\"type\":\"function\",\"function\":{\"name\":\"...\"}}";
    private static final String NAME_RULE = "must be 1 to 64 letters, digits, '_' or '-'";

    private ToolParams() {
    }

    static List<ToolDefinition> tools(Object value, List<FieldError> errors) {
        if (value == null) {
            return List.of();
        }
        if (!(value instanceof List<?> list)) {
            errors.add(new FieldError("tools", "must be an array of tools"));
            return List.of();
        }
        if (list.size() > MAX_TOOLS) {
            errors.add(new FieldError("tools", "must hold at most " + MAX_TOOLS + " tools"));
            return List.of();
        }
        var tools = new ArrayList<ToolDefinition>(list.size());
        var firstByName = new HashMap<String, Integer>();
        for (int i = 0; i < list.size(); i++) {
            String path = "tools[" + i + "]";
            Optional<ToolDefinition> tool = tool(list.get(i), path, errors);
            if (tool.isEmpty()) {
                continue;
            }
            Integer first = firstByName.putIfAbsent(tool.get().name(), i);
            if (first != null) {
                errors.add(new FieldError(path + ".function.name",
                        "duplicates tools[" + first + "].function.name '" + tool.get().name() + "'"));
            } else {
                tools.add(tool.get());
            }
        }
        return tools;
    }

    private static Optional<ToolDefinition> tool(Object value, String path, List<FieldError> errors) {
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new FieldError(path, "must be an object {\"type\":\"function\",\"function\":{...}}"));
            return Optional.empty();
        }
        unknownFields(map, TOOL_FIELDS, path, errors);
        typeFunction(map, path, errors);
        if (!(map.get(FUNCTION) instanceof Map<?, ?> function)) {
            errors.add(new FieldError(path + ".function", map.containsKey(FUNCTION) ? "must be an object"
                    : "is required"));
            return Optional.empty();
        }
        String at = path + ".function";
        unknownFields(function, FUNCTION_FIELDS, at, errors);
        Optional<String> name = name(function, at + ".name", errors);
        Optional<String> description = optionalText(function.get("description"), at + ".description", errors);
        Map<String, Object> parameters = ToolDefinition.NO_PARAMETERS;
        Object rawParameters = function.get("parameters");
        if (rawParameters != null) {
            parameters = schema(rawParameters, at + ".parameters", errors).orElse(null);
            if (parameters != null && parameters.containsKey("type") && !"object".equals(parameters.get("type"))) {
                errors.add(new FieldError(at + ".parameters.type", "must be \"object\": arguments are an object"));
                parameters = null;
            }
        }
        boolean strict = flag(function.get("strict"), at + ".strict", errors);
        if (name.isEmpty() || parameters == null) {
            return Optional.empty();
        }
        return Optional.of(new ToolDefinition(name.get(), description, parameters, strict));
    }

    static Optional<ToolChoice> toolChoice(Object value, List<ToolDefinition> tools, boolean toolsValid,
                                           List<FieldError> errors) {
        Optional<ToolChoice> choice = switch (value) {
            case null -> Optional.empty();
            case String text -> switch (text) {
                case "auto" -> Optional.of(ToolChoice.AUTO);
                case "none" -> Optional.of(ToolChoice.NONE);
                case "required" -> Optional.of(ToolChoice.REQUIRED);
                default -> invalid("tool_choice", CHOICES, errors);
            };
            case Map<?, ?> map -> named(map, errors);
            default -> invalid("tool_choice", CHOICES, errors);
        };
        // Only judged against tools that were themselves valid, so one mistake is not reported twice.
        if (choice.isEmpty() || !toolsValid) {
            return choice;
        }
        switch (choice.get()) {
            case ToolChoice.Required _ when tools.isEmpty() -> {
                errors.add(new FieldError("tool_choice", "\"required\" needs tools to call; none are declared"));
                return Optional.empty();
            }
            case ToolChoice.Named(String name) when tools.stream().noneMatch(tool -> tool.name().equals(name)) -> {
                errors.add(new FieldError("tool_choice", "names function '" + name + "', which is not declared"
                        + " in tools"));
                return Optional.empty();
            }
            default -> {
                return choice;
            }
        }
    }

    private static Optional<ToolChoice> named(Map<?, ?> map, List<FieldError> errors) {
        if (!"function".equals(map.get("type")) || !(map.get(FUNCTION) instanceof Map<?, ?> function)
                || !(function.get("name") instanceof String name) || map.size() != 2 || function.size() != 1) {
            return invalid("tool_choice", CHOICES, errors);
        }
        return Optional.of(new ToolChoice.Named(name));
    }

    static Optional<ResponseFormat> responseFormat(Object value, List<FieldError> errors) {
        if (value == null) {
            return Optional.empty();
        }
        String path = "response_format";
        if (!(value instanceof Map<?, ?> map)) {
            return invalid(path, "must be an object such as {\"type\":\"json_object\"}", errors);
        }
        unknownFields(map, FORMAT_FIELDS, path, errors);
        Object type = map.get("type");
        if (!"json_schema".equals(type) && map.containsKey("json_schema")) {
            errors.add(new FieldError(path + ".json_schema", "is only allowed with type \"json_schema\""));
        }
        if (type == null) {
            return invalid(path + ".type", "is required", errors);
        }
        return switch (type instanceof String name ? name : "") {
            case "text" -> Optional.of(ResponseFormat.TEXT);
            case "json_object" -> Optional.of(ResponseFormat.JSON_OBJECT);
            case "json_schema" -> jsonSchema(map.get("json_schema"), path + ".json_schema", errors);
            default -> invalid(path + ".type", "must be one of: text, json_object, json_schema", errors);
        };
    }

    private static Optional<ResponseFormat> jsonSchema(Object value, String path, List<FieldError> errors) {
        if (!(value instanceof Map<?, ?> map)) {
            return invalid(path, value == null ? "is required" : "must be an object with name and schema", errors);
        }
        unknownFields(map, SCHEMA_FIELDS, path, errors);
        Optional<String> name = name(map, path + ".name", errors);
        Optional<String> description = optionalText(map.get("description"), path + ".description", errors);
        Optional<Map<String, Object>> schema = map.get("schema") == null
                ? invalid(path + ".schema", "is required", errors)
                : schema(map.get("schema"), path + ".schema", errors);
        boolean strict = flag(map.get("strict"), path + ".strict", errors);
        if (name.isEmpty() || schema.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new ResponseFormat.JsonSchema(name.get(), description, schema.get(), strict));
    }

    /** A message's {@code tool_calls}: a non-empty array of OpenAI tool calls. */
    static List<ToolCall> toolCalls(Object value, String path, List<FieldError> errors) {
        if (!(value instanceof List<?> list) || list.isEmpty()) {
            errors.add(new FieldError(path, "must be a non-empty array of tool calls"));
            return List.of();
        }
        var calls = new ArrayList<ToolCall>(list.size());
        var firstById = new HashMap<String, Integer>();
        for (int i = 0; i < list.size(); i++) {
            String at = path + "[" + i + "]";
            Optional<ToolCall> call = toolCall(list.get(i), at, errors);
            if (call.isEmpty()) {
                continue;
            }
            Integer first = firstById.putIfAbsent(call.get().id(), i);
            if (first != null) {
                errors.add(new FieldError(at + ".id", "duplicates " + path + "[" + first + "].id"));
            } else {
                calls.add(call.get());
            }
        }
        return calls;
    }

    private static Optional<ToolCall> toolCall(Object value, String path, List<FieldError> errors) {
        if (!(value instanceof Map<?, ?> map)) {
            errors.add(new FieldError(path, "must be an object {\"id\":...,\"type\":\"function\",\"function\":{...}}"));
            return Optional.empty();
        }
        unknownFields(map, CALL_FIELDS, path, errors);
        Optional<String> id = toolCallId(map, "id", path + ".id", errors);
        typeFunction(map, path, errors);
        if (!(map.get(FUNCTION) instanceof Map<?, ?> function)) {
            errors.add(new FieldError(path + ".function", map.containsKey(FUNCTION) ? "must be an object"
                    : "is required"));
            return Optional.empty();
        }
        unknownFields(function, CALL_FUNCTION_FIELDS, path + ".function", errors);
        Optional<String> name = name(function, path + ".function.name", errors);
        Object arguments = function.get("arguments");
        if (!(arguments instanceof String)) {
            errors.add(new FieldError(path + ".function.arguments", arguments == null ? "is required"
                    : "must be a string holding the arguments as JSON"));
        }
        Optional<String> signature = thoughtSignature(map.get(EXTRA_CONTENT), path + "." + EXTRA_CONTENT, errors);
        if (id.isEmpty() || name.isEmpty() || !(arguments instanceof String text)) {
            return Optional.empty();
        }
        return Optional.of(new ToolCall(id.get(), name.get(), text, signature));
    }

    /**
     * A tool call's {@code extra_content}: exactly {@code {"google":{"thought_signature":"..."}}},
     * the shape Google's OpenAI-compatible endpoint gives Gemini's thought signature. Anything else
     * is refused rather than dropped: a member we would not carry back is one the caller expects
     * to reach the provider. Absent or null: no signature.
     */
    private static Optional<String> thoughtSignature(Object value, String path, List<FieldError> errors) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof Map<?, ?> extra)) {
            return invalid(path, "must be an object {\"google\":{\"thought_signature\":\"...\"}}", errors);
        }
        unknownFields(extra, Set.of(GOOGLE), path, errors);
        String at = path + "." + GOOGLE;
        if (!(extra.get(GOOGLE) instanceof Map<?, ?> google)) {
            return invalid(at, extra.get(GOOGLE) == null ? "is required" : "must be an object", errors);
        }
        unknownFields(google, Set.of(THOUGHT_SIGNATURE), at, errors);
        at = at + "." + THOUGHT_SIGNATURE;
        Object signature = google.get(THOUGHT_SIGNATURE);
        if (signature == null) {
            return invalid(at, "is required", errors);
        }
        if (!(signature instanceof String text) || text.isBlank()) {
            return invalid(at, "must be a non-blank string", errors);
        }
        if (text.length() > ToolCall.MAX_THOUGHT_SIGNATURE_LENGTH) {
            return invalid(at, "must be at most " + ToolCall.MAX_THOUGHT_SIGNATURE_LENGTH + " characters", errors);
        }
        return Optional.of(text);
    }

    /** A tool call id: a non-blank string of at most {@value #MAX_TOOL_CALL_ID_LENGTH} characters. */
    static Optional<String> toolCallId(Map<?, ?> map, String key, String path, List<FieldError> errors) {
        Object value = map.get(key);
        if (value == null) {
            return invalid(path, "is required", errors);
        }
        if (!(value instanceof String id) || id.isBlank()) {
            return invalid(path, "must be a non-blank string", errors);
        }
        if (id.length() > MAX_TOOL_CALL_ID_LENGTH) {
            return invalid(path, "must be at most " + MAX_TOOL_CALL_ID_LENGTH + " characters", errors);
        }
        return Optional.of(id);
    }

    private static void typeFunction(Map<?, ?> map, String path, List<FieldError> errors) {
        Object type = map.get("type");
        if (type == null) {
            errors.add(new FieldError(path + ".type", "is required (\"function\")"));
        } else if (!FUNCTION.equals(type)) {
            errors.add(new FieldError(path + ".type", "must be \"function\""));
        }
    }

    private static Optional<String> name(Map<?, ?> map, String path, List<FieldError> errors) {
        Object value = map.get("name");
        if (value == null) {
            return invalid(path, "is required", errors);
        }
        if (!(value instanceof String name) || !ToolDefinition.NAME.matcher(name).matches()) {
            return invalid(path, NAME_RULE, errors);
        }
        return Optional.of(name);
    }

    private static Optional<String> optionalText(Object value, String path, List<FieldError> errors) {
        if (value == null) {
            return Optional.empty();
        }
        if (!(value instanceof String text)) {
            return invalid(path, "must be a string", errors);
        }
        return Optional.of(text);
    }

    @SuppressWarnings("unchecked")
    private static Optional<Map<String, Object>> schema(Object value, String path, List<FieldError> errors) {
        if (!(value instanceof Map<?, ?> map)) {
            return invalid(path, "must be a JSON Schema object", errors);
        }
        // Decoded JSON: an object's keys are strings.
        return Optional.of((Map<String, Object>) map);
    }

    private static boolean flag(Object value, String path, List<FieldError> errors) {
        if (value == null) {
            return false;
        }
        if (!(value instanceof Boolean flag)) {
            errors.add(new FieldError(path, "must be a boolean"));
            return false;
        }
        return flag;
    }

    private static void unknownFields(Map<?, ?> map, Set<String> known, String path, List<FieldError> errors) {
        map.keySet().stream().map(String::valueOf).filter(key -> !known.contains(key)).sorted()
                .forEach(key -> errors.add(new FieldError(path + "." + key, "is not a known field")));
    }

    private static <T> Optional<T> invalid(String path, String message, List<FieldError> errors) {
        errors.add(new FieldError(path, message));
        return Optional.empty();
    }
}
