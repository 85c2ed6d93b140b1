package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the stream decoder uses of one {@code chat.completion.chunk}, read either from a tree
 * ({@link #of}) or without one ({@link OpenAiChunkReader}); both give equal records for the same
 * chunk. Values the decoder only checks and maps once in a while (an error, the usage, tool-call
 * fragments, a finish reason that is not a string) stay as trees.
 *
 * @param error        {@code error} when it is an object, else null
 * @param id           {@code id} when it is a string, else null
 * @param model        {@code model} when it is a string, else null
 * @param usage        {@code usage} when present and not JSON null, else null
 * @param choice       whether {@code choices[0]} is an object; the fields below are null when not
 * @param finishReason {@code choices[0].finish_reason} when present and not JSON null, else null
 * @param content      {@code choices[0].delta.content} when it is a string, else null
 * @param toolCalls    {@code choices[0].delta.tool_calls} when present and not JSON null, else null
 */
record OpenAiChunk(JsonNode error, String id, String model, JsonNode usage, boolean choice,
        JsonNode finishReason, String content, JsonNode toolCalls) {

    /** The same fields read from a parsed chunk (an object). */
    static OpenAiChunk of(JsonNode chunk) {
        JsonNode error = chunk.path("error");
        JsonNode choice = chunk.path("choices").path(0);
        JsonNode usage = chunk.get("usage");
        if (!choice.isObject()) {
            return new OpenAiChunk(error.isObject() ? error : null, text(chunk, "id"), text(chunk, "model"),
                    present(usage), false, null, null, null);
        }
        JsonNode delta = choice.path("delta");
        return new OpenAiChunk(error.isObject() ? error : null, text(chunk, "id"), text(chunk, "model"),
                present(usage), true, present(choice.get("finish_reason")), text(delta, "content"),
                present(delta.get("tool_calls")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    private static JsonNode present(JsonNode value) {
        return value == null || value.isNull() ? null : value;
    }
}
