package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.provider.openai.failure.OpenAiErrorMapper;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;

/**
 * Folds a Chat Completions stream, one event at a time, into deltas and the final answer.
 * Only {@code choices[0].delta.content} is text: tool-call deltas carry their arguments in
 * {@code delta.tool_calls} and are not text the caller should see. The usage arrives in its own
 * chunk with {@code "choices": []} just before {@code data: [DONE]}.
 */
final class StreamAssembler {
    static final String DONE = "[DONE]";

    private final ObjectMapper json;
    private final OpenAiErrorMapper errors;
    private final StringBuilder content = new StringBuilder();
    private String id = "";
    private String providerModel = "";
    private FinishReason finishReason = FinishReason.ERROR;
    private Usage usage = Usage.ZERO;
    private boolean done;
    private int events;

    StreamAssembler(ObjectMapper json, OpenAiErrorMapper errors) {
        this.json = json;
        this.errors = errors;
    }

    /**
     * Takes one event; returns the text it adds (empty when it adds none).
     *
     * @throws LlmFailureException when the event is an {@code error} object
     * @throws WireFormatException when the event is not a chunk
     */
    String accept(ServerSentEvent event) {
        events++;
        if (DONE.equals(event.data())) {
            done = true;
            return "";
        }
        JsonNode chunk = parse(event.data());
        if (chunk.path("error").isObject()) {
            throw new LlmFailureException(errors.fromStream(chunk.get("error")));
        }
        if (id.isEmpty()) {
            id = OpenAiResponseMapper.textOr(chunk, "id", "");
        }
        if (providerModel.isEmpty()) {
            providerModel = OpenAiResponseMapper.textOr(chunk, "model", "");
        }
        if (chunk.hasNonNull("usage")) {
            usage = OpenAiResponseMapper.usage(chunk.get("usage"));
        }
        JsonNode choice = chunk.path("choices").path(0);
        if (!choice.isObject()) {
            return "";
        }
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && !finish.isNull()) {
            finishReason = OpenAiResponseMapper.finishReason(finish);
        }
        JsonNode text = choice.path("delta").path("content");
        if (!text.isTextual()) {
            return "";
        }
        content.append(text.asText());
        return text.asText();
    }

    private JsonNode parse(String data) {
        try {
            JsonNode chunk = json.readTree(data);
            if (chunk == null || !chunk.isObject()) {
                throw new WireFormatException("stream event " + events + " is not a JSON object");
            }
            return chunk;
        } catch (IOException malformed) {
            throw new WireFormatException("stream event " + events + " is not valid JSON");
        }
    }

    boolean done() {
        return done;
    }

    int events() {
        return events;
    }

    OpenAiResponseMapper.Completion result() {
        return new OpenAiResponseMapper.Completion(id, providerModel, content.toString(), finishReason, usage);
    }
}
