package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;

/**
 * Folds a Messages stream, one event at a time, into text deltas and the final answer.
 *
 * <ul>
 *   <li>{@code message_start} gives the id, the upstream model and the input counts;</li>
 *   <li>{@code content_block_delta} with a {@code text_delta} is text; other deltas
 *       ({@code input_json_delta} of a tool call, {@code thinking_delta}, ...) are not;</li>
 *   <li>{@code message_delta} gives the stop reason and the output count;</li>
 *   <li>{@code message_stop} ends the stream; {@code error} ends it with a failure;</li>
 *   <li>{@code ping}, {@code content_block_start/stop} and unknown types are skipped, as
 *       Anthropic's versioning policy asks of clients (new event types may appear).</li>
 * </ul>
 */
final class StreamAssembler {
    private final ObjectMapper json;
    private final AnthropicErrorMapper errors;
    private final StringBuilder content = new StringBuilder();
    private String id = "";
    private String providerModel = "";
    private String stopReason = "";
    private int promptTokens;
    private int completionTokens;
    private boolean started;
    private boolean done;
    private int events;

    StreamAssembler(ObjectMapper json, AnthropicErrorMapper errors) {
        this.json = json;
        this.errors = errors;
    }

    /**
     * Takes one event; returns the text it adds (empty when it adds none).
     *
     * @throws LlmFailureException when the event is an {@code error}
     * @throws WireFormatException when a known event does not have its documented shape
     */
    String accept(ServerSentEvent event) {
        events++;
        switch (event.type()) {
            case "message_start" -> start(parse(event).path("message"));
            case "content_block_start" -> {
                return text(parse(event).path("content_block"), "text");
            }
            case "content_block_delta" -> {
                return text(parse(event).path("delta"), "text_delta");
            }
            case "message_delta" -> delta(parse(event));
            case "message_stop" -> done = true;
            case "error" -> throw new LlmFailureException(errors.fromStream(parse(event).path("error")));
            default -> {
                // ping, content_block_stop and event types newer than this code.
            }
        }
        return "";
    }

    private void start(JsonNode message) {
        if (!message.isObject()) {
            throw new WireFormatException("message_start without a message object");
        }
        started = true;
        id = message.path("id").asText("");
        providerModel = message.path("model").asText("");
        JsonNode usage = message.path("usage");
        promptTokens = AnthropicResponseMapper.promptTokens(usage);
        completionTokens = AnthropicResponseMapper.count(usage, "output_tokens");
    }

    // Anthropic repeats usage in message_delta, cumulatively; the contract takes the input from
    // message_start and the output from the last message_delta, so only output_tokens is read here.
    private void delta(JsonNode event) {
        JsonNode reason = event.path("delta").path("stop_reason");
        if (reason.isTextual()) {
            stopReason = reason.asText();
        }
        JsonNode usage = event.path("usage");
        if (usage.has("output_tokens")) {
            completionTokens = AnthropicResponseMapper.count(usage, "output_tokens");
        }
    }

    // A text block may start with text of its own (usually ""); a text_delta carries the rest.
    private String text(JsonNode part, String textType) {
        if (!textType.equals(part.path("type").asText())) {
            return "";
        }
        String text = part.path("text").asText("");
        content.append(text);
        return text;
    }

    private JsonNode parse(ServerSentEvent event) {
        try {
            JsonNode data = json.readTree(event.data());
            if (data == null || !data.isObject()) {
                throw new WireFormatException("stream event " + events + " (" + event.type() + ") is not a JSON object");
            }
            return data;
        } catch (IOException malformed) {
            throw new WireFormatException("stream event " + events + " (" + event.type() + ") is not valid JSON");
        }
    }

    /** True once {@code message_stop} has arrived. */
    boolean done() {
        return done;
    }

    /** How many events were read, for messages about a stream cut short. */
    int events() {
        return events;
    }

    /** The whole answer; call it once {@link #done()}. */
    AnthropicResponseMapper.Completion result() {
        if (!started) {
            throw new WireFormatException("message_stop without message_start");
        }
        FinishReason finish = AnthropicResponseMapper.finishReason(stopReason);
        return new AnthropicResponseMapper.Completion(id, providerModel, content.toString(), finish,
                new Usage(promptTokens, completionTokens));
    }
}
