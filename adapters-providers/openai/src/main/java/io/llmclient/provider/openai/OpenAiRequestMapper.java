package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;

/**
 * Domain request -> Chat Completions request body. The token limit goes out as
 * {@code max_completion_tokens}: {@code max_tokens} is deprecated and refused by the gpt-5 and
 * o-series models (fixture {@code error-400.json}). Streams ask for the usage chunk with
 * {@code stream_options.include_usage}, since without it a stream reports no token counts.
 */
final class OpenAiRequestMapper {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private OpenAiRequestMapper() {
    }

    static ObjectNode map(ChatRequest request, String providerModel, boolean stream) {
        ObjectNode body = NODES.objectNode();
        body.put("model", providerModel);
        ArrayNode messages = body.putArray("messages");
        for (Message message : request.messages()) {
            messages.addObject()
                    .put("role", message.role().wireName())
                    .put("content", message.content());
        }
        request.temperature().ifPresent(temperature -> body.put("temperature", temperature));
        request.maxTokens().ifPresent(limit -> body.put("max_completion_tokens", limit));
        if (stream) {
            body.put("stream", true);
            body.putObject("stream_options").put("include_usage", true);
        }
        return body;
    }
}
