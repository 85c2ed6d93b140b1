package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.util.ArrayList;
import java.util.List;

/**
 * Chat Completions wire values -> domain values: the {@code chat.completion} body, and the
 * pieces a stream's chunks share with it (finish reason, usage). Tool calls are taken as
 * OpenAI sends them: in its order, {@code arguments} the JSON text byte for byte.
 */
final class OpenAiResponseMapper {

    private OpenAiResponseMapper() {
    }

    /** What a {@code chat.completion} body says. */
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
        List<ToolCall> calls = toolCalls(choice.path("message").get("tool_calls"));
        return new Completion(textOr(root, "id", ""), textOr(root, "model", ""), text, calls,
                withCalls(finishReason(choice.get("finish_reason")), calls), usage(root.get("usage")));
    }

    /** {@code message.tool_calls}: absent or null is none; each entry needs an id, a name and string arguments. */
    static List<ToolCall> toolCalls(JsonNode wire) {
        if (wire == null || wire.isNull()) {
            return List.of();
        }
        if (!wire.isArray()) {
            throw new WireFormatException("message.tool_calls is not an array");
        }
        var calls = new ArrayList<ToolCall>(wire.size());
        for (int i = 0; i < wire.size(); i++) {
            JsonNode call = wire.get(i);
            String id = textOr(call, "id", "");
            String name = textOr(call.path("function"), "name", "");
            JsonNode arguments = call.path("function").path("arguments");
            if (id.isEmpty() || name.isEmpty() || !arguments.isTextual()) {
                throw new WireFormatException("message.tool_calls[" + i + "] has no id, function.name or "
                        + "string function.arguments");
            }
            calls.add(new ToolCall(id, name, arguments.asText()));
        }
        return List.copyOf(calls);
    }

    /**
     * OpenAI ends an answer whose tool call was forced ({@code tool_choice} naming a function, or
     * {@code required}) with {@code stop}, not {@code tool_calls}; the contract says
     * {@code tool_calls} whenever the model called tools, so a stop with calls is one. Any other
     * reason stays: {@code length} with calls means their arguments may be cut short.
     */
    static FinishReason withCalls(FinishReason reason, List<ToolCall> calls) {
        return reason == FinishReason.STOP && !calls.isEmpty() ? FinishReason.TOOL_CALLS : reason;
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
     * tokens, as the contract wants, and its prompt count already includes the cached part,
     * {@code prompt_tokens_details.cached_tokens} (0 when absent). OpenAI reports no cache writes.
     * The total is recomputed by {@link Usage}.
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
        return new Usage(prompt.asInt(), completion.asInt(), cachedTokens(usage.path("prompt_tokens_details")), 0);
    }

    // Older models, compatible servers and streams without details omit it: absent or null is 0.
    private static int cachedTokens(JsonNode details) {
        JsonNode cached = details.path("cached_tokens");
        if (cached.isMissingNode() || cached.isNull()) {
            return 0;
        }
        if (!cached.isIntegralNumber() || !cached.canConvertToInt() || cached.asInt() < 0) {
            throw new WireFormatException("usage.prompt_tokens_details.cached_tokens is not a token count");
        }
        return cached.asInt();
    }

    static String textOr(JsonNode node, String field, String fallback) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : fallback;
    }
}
