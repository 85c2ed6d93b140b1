package io.llmclient.inbound.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.inbound.support.body.JsonCodec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * An OpenAI Chat Completions request turned into the params the domain's request parser reads
 * (the same params as JSON-RPC {@code llm.complete}), plus what only the OpenAI surface needs.
 *
 * <h2>Mapping</h2>
 * <ul>
 *   <li>{@code model}, {@code messages}, {@code temperature} are passed on; the domain checks them.
 *       Without {@code model} the default model answers, as on JSON-RPC.</li>
 *   <li>{@code max_completion_tokens}, or else {@code max_tokens}, becomes {@code max_tokens}; an
 *       error about it names the field the caller used.</li>
 *   <li>{@code tools}, {@code tool_choice} and {@code response_format} are passed on as they are
 *       (the domain reads OpenAI's shapes, docs/tool-calling.md). The legacy {@code functions}
 *       and {@code function_call} are refused with 400 naming them: ignoring them would drop
 *       the caller's functions silently.</li>
 *   <li>Per message only {@code role}, {@code content}, {@code tool_calls} and
 *       {@code tool_call_id} are kept: OpenAI's {@code name} and other message fields are dropped.
 *       {@code tool_calls} are passed on whole, so a call's {@code extra_content} (Gemini's thought
 *       signature, docs/tool-calling.md) reaches the domain, which checks it like any member. Role {@code developer} (OpenAI's newer name for
 *       system instructions) is read as {@code system}. A {@code content} given as an array of
 *       text parts ({@code {"type":"text","text":"..."}}) is joined into one string; any other
 *       part (images, audio, files) is refused with 400 naming {@code messages[i].content}:
 *       no provider adapter sends them, and dropping them silently would change the question.</li>
 *   <li>{@code stream} must be a boolean, {@code stream_options} an object whose
 *       {@code include_usage} is a boolean.</li>
 *   <li>Every other field (top_p, n, parallel_tool_calls, user, ...) is ignored, as the contract asks, so that
 *       SDK defaults never make a request fail.</li>
 * </ul>
 */
record ChatCompletionRequest(Map<String, Object> params, boolean stream, boolean includeUsage,
                             boolean maxFromCompletionTokens) {
    private static final String MAX_COMPLETION_TOKENS = "max_completion_tokens";
    private static final List<String> LEGACY_FUNCTION_FIELDS = List.of("functions", "function_call");
    private static final List<String> KEPT_MESSAGE_FIELDS = List.of("tool_calls", "tool_call_id");

    ChatCompletionRequest {
        Objects.requireNonNull(params, "params");
    }

    /** Reads a body that parsed as JSON; throws InvalidParams for what the OpenAI shape itself forbids. */
    static ChatCompletionRequest read(JsonNode body) {
        var errors = new ArrayList<FieldError>();
        var params = new LinkedHashMap<String, Object>();
        copy(body, "model", params);
        copy(body, "temperature", params);
        copy(body, "tools", params);
        copy(body, "tool_choice", params);
        copy(body, "response_format", params);
        copy(body, "stop", params);
        for (String legacy : LEGACY_FUNCTION_FIELDS) {
            if (present(body, legacy)) {
                errors.add(new FieldError(legacy, "is deprecated and not supported; use tools and tool_choice"));
            }
        }
        JsonNode messages = body.get("messages");
        if (messages != null) {
            params.put("messages", messages.isArray() ? messages(messages, errors) : JsonCodec.toJava(messages));
        }
        boolean fromCompletionTokens = present(body, MAX_COMPLETION_TOKENS);
        if (fromCompletionTokens) {
            params.put("max_tokens", JsonCodec.toJava(body.get(MAX_COMPLETION_TOKENS)));
        } else {
            copy(body, "max_tokens", params);
        }
        boolean stream = flag(body, "stream", "stream", errors);
        boolean includeUsage = false;
        JsonNode options = body.get("stream_options");
        if (options != null && !options.isNull()) {
            if (options.isObject()) {
                includeUsage = flag(options, "include_usage", "stream_options.include_usage", errors);
            } else {
                errors.add(new FieldError("stream_options", "must be an object"));
            }
        }
        if (!errors.isEmpty()) {
            throw new LlmFailureException(new LlmFailure.InvalidParams(errors));
        }
        params.put("stream", stream);
        return new ChatCompletionRequest(params, stream, includeUsage, fromCompletionTokens);
    }

    /** A validation failure with its fields named as this caller named them. */
    LlmFailure named(LlmFailure failure) {
        if (!maxFromCompletionTokens || !(failure instanceof LlmFailure.InvalidParams invalid)) {
            return failure;
        }
        return new LlmFailure.InvalidParams(invalid.errors().stream()
                .map(error -> error.field().equals("max_tokens")
                        ? new FieldError(MAX_COMPLETION_TOKENS, error.message()) : error)
                .toList());
    }

    private static List<Object> messages(JsonNode messages, List<FieldError> errors) {
        var list = new ArrayList<Object>(messages.size());
        for (int i = 0; i < messages.size(); i++) {
            JsonNode message = messages.get(i);
            if (!message.isObject()) {
                list.add(JsonCodec.toJava(message));
                continue;
            }
            var kept = new LinkedHashMap<String, Object>();
            JsonNode role = message.get("role");
            if (role != null) {
                kept.put("role", role.isTextual() && role.textValue().equals("developer") ? "system"
                        : JsonCodec.toJava(role));
            }
            JsonNode content = message.get("content");
            if (content != null) {
                kept.put("content", content.isArray() ? text(content, "messages[" + i + "].content", errors)
                        : JsonCodec.toJava(content));
            }
            for (String field : KEPT_MESSAGE_FIELDS) {
                JsonNode value = message.get(field);
                if (value != null) {
                    kept.put(field, JsonCodec.toJava(value));
                }
            }
            list.add(kept);
        }
        return list;
    }

    private static String text(JsonNode parts, String path, List<FieldError> errors) {
        var joined = new StringBuilder();
        for (JsonNode part : parts) {
            JsonNode type = part.get("type");
            JsonNode text = part.get("text");
            if (!part.isObject() || type == null || !"text".equals(type.textValue()) || text == null
                    || !text.isTextual()) {
                errors.add(new FieldError(path, "must be a string or an array of text parts;"
                        + " only {\"type\":\"text\",\"text\":\"...\"} parts are supported"));
                return "";
            }
            joined.append(text.textValue());
        }
        return joined.toString();
    }

    private static boolean flag(JsonNode object, String name, String path, List<FieldError> errors) {
        JsonNode value = object.get(name);
        if (value == null || value.isNull()) {
            return false;
        }
        if (!value.isBoolean()) {
            errors.add(new FieldError(path, "must be a boolean"));
            return false;
        }
        return value.booleanValue();
    }

    private static boolean present(JsonNode body, String name) {
        JsonNode value = body.get(name);
        return value != null && !value.isNull();
    }

    private static void copy(JsonNode body, String name, Map<String, Object> params) {
        if (present(body, name)) {
            params.put(name, JsonCodec.toJava(body.get(name)));
        }
    }
}
