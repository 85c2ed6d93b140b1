package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.provider.openai.failure.OpenAiErrorMapper;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Folds a Chat Completions stream, one event at a time, into the events the caller sees and the
 * final answer. {@code choices[0].delta.content} is text; {@code delta.tool_calls[]} entries are
 * tool-call fragments, passed on one for one with their arguments as OpenAI cut them. The usage
 * arrives in its own chunk with {@code "choices": []} just before {@code data: [DONE]}.
 *
 * <p>OpenAI's {@code index} already counts calls from 0 in the order they start, but it is
 * mapped rather than trusted: our index is the order in which calls first appeared, so a gap or
 * an unusual order from an OpenAI-compatible server cannot break the fragment rules. A fragment
 * that carries a new {@code id} at an index already in use starts a new call (some compatible
 * servers put every call at index 0). The completed calls are rebuilt from exactly the
 * fragments emitted ({@link ToolCallAssembler}), so the two never disagree.
 */
final class StreamAssembler {
    static final String DONE = "[DONE]";

    private final ObjectMapper json;
    private final OpenAiErrorMapper errors;
    private final StringBuilder content = new StringBuilder();
    private final ToolCallAssembler calls = new ToolCallAssembler();
    // OpenAI's index -> our index, and our index -> the call's id.
    private final Map<Integer, Integer> callAt = new HashMap<>();
    private final List<String> callIds = new ArrayList<>();
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
     * Takes one event; returns the text and tool-call fragments it adds, in order (none when it
     * adds none).
     *
     * @throws LlmFailureException when the event is an {@code error} object
     * @throws WireFormatException when the event is not a chunk, or a tool-call fragment is broken
     */
    List<StreamEvent> accept(ServerSentEvent event) {
        events++;
        if (DONE.equals(event.data())) {
            done = true;
            return List.of();
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
            return List.of();
        }
        JsonNode finish = choice.get("finish_reason");
        if (finish != null && !finish.isNull()) {
            finishReason = OpenAiResponseMapper.finishReason(finish);
        }
        var out = new ArrayList<StreamEvent>(1);
        JsonNode delta = choice.path("delta");
        JsonNode text = delta.path("content");
        if (text.isTextual() && !text.asText().isEmpty()) {
            content.append(text.asText());
            out.add(new StreamEvent.Delta(text.asText()));
        }
        JsonNode fragments = delta.path("tool_calls");
        if (fragments.isArray()) {
            for (JsonNode fragment : fragments) {
                toolCallDelta(fragment).ifPresent(out::add);
            }
        } else if (!fragments.isMissingNode() && !fragments.isNull()) {
            throw new WireFormatException("stream event " + events + ": delta.tool_calls is not an array");
        }
        return out;
    }

    private Optional<StreamEvent.ToolCallDelta> toolCallDelta(JsonNode fragment) {
        JsonNode index = fragment.path("index");
        if (!index.isIntegralNumber() || !index.canConvertToInt() || index.asInt() < 0) {
            throw broken("has no index");
        }
        JsonNode arguments = fragment.path("function").path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isTextual()) {
            throw broken("has arguments that are not a string");
        }
        String piece = arguments.isTextual() ? arguments.asText() : "";
        String callId = OpenAiResponseMapper.textOr(fragment, "id", "");
        Integer known = callAt.get(index.asInt());
        StreamEvent.ToolCallDelta delta;
        if (known != null && (callId.isEmpty() || callId.equals(callIds.get(known)))) {
            if (piece.isEmpty()) {
                return Optional.empty();
            }
            delta = StreamEvent.ToolCallDelta.arguments(known, piece);
        } else {
            String name = OpenAiResponseMapper.textOr(fragment.path("function"), "name", "");
            if (callId.isEmpty() || name.isEmpty()) {
                throw broken("starts tool call " + index.asInt() + " without an id and a function name");
            }
            int ours = callIds.size();
            callAt.put(index.asInt(), ours);
            callIds.add(callId);
            delta = StreamEvent.ToolCallDelta.start(ours, callId, name, piece);
        }
        calls.add(delta);
        return Optional.of(delta);
    }

    private WireFormatException broken(String what) {
        return new WireFormatException("stream event " + events + ": a tool_calls entry " + what);
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
        return new OpenAiResponseMapper.Completion(id, providerModel, content.toString(), calls.toolCalls(),
                OpenAiResponseMapper.withCalls(finishReason, calls.toolCalls()), usage);
    }
}
