package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.skeleton.StreamDecoder;
import io.llmclient.provider.support.skeleton.WireFormatException;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a Chat Completions stream. {@code choices[0].delta.content} is text;
 * {@code delta.tool_calls[]} entries are tool-call fragments, passed on one for one with their
 * arguments as OpenAI cut them. The usage arrives in its own chunk with {@code "choices": []}
 * just before {@code data: [DONE]}, which alone ends a stream well. The first chunk (role only)
 * read well means the stream was accepted.
 *
 * <p>OpenAI's {@code index} already counts calls from 0 in the order they start, but it is
 * mapped rather than trusted: our index is the order in which calls first appeared, so a gap or
 * an unusual order from an OpenAI-compatible server cannot break the fragment rules. A fragment
 * that carries a new {@code id} at an index already in use starts a new call (some compatible
 * servers put every call at index 0).
 *
 * <p>A chunk is read without a tree ({@link OpenAiChunkReader}); the tree reads it only when it
 * is unusual or malformed, so that every refusal keeps its message.
 */
final class OpenAiStreamDecoder implements StreamDecoder {
    static final String DONE = "[DONE]";

    private final ObjectMapper json;
    private final OpenAiChunkReader chunks;
    // OpenAI's index -> our index, and our index -> the call's id.
    private final Map<Integer, Integer> callAt = new HashMap<>();
    private final List<String> callIds = new ArrayList<>();
    private String id = "";
    private String providerModel = "";
    private FinishReason finishReason = FinishReason.ERROR;
    private Usage usage = Usage.ZERO;
    private boolean done;

    OpenAiStreamDecoder(ObjectMapper json) {
        this.json = json;
        this.chunks = new OpenAiChunkReader(json);
    }

    @Override
    public void decode(ServerSentEvent event, StreamAssembler into) {
        if (event.dataIs(DONE)) {
            done = true;
            return;
        }
        OpenAiChunk chunk = chunks.read(event.parsableData(), id.isEmpty() || providerModel.isEmpty());
        if (chunk == null) {
            chunk = OpenAiChunk.of(parse(event.data(), into.events()));
        }
        if (chunk.error() != null) {
            throw into.failure(chunk.error());
        }
        if (id.isEmpty() && chunk.id() != null) {
            id = chunk.id();
        }
        if (providerModel.isEmpty() && chunk.model() != null) {
            providerModel = chunk.model();
        }
        if (chunk.usage() != null) {
            usage = OpenAiResponseMapper.usage(chunk.usage());
        }
        if (!chunk.choice()) {
            return;
        }
        if (chunk.finishReason() != null) {
            finishReason = OpenAiResponseMapper.finishReason(chunk.finishReason());
        }
        if (chunk.content() != null) {
            into.text(chunk.content());
        }
        JsonNode fragments = chunk.toolCalls();
        if (fragments != null && fragments.isArray()) {
            for (JsonNode fragment : fragments) {
                toolCallDelta(fragment, into);
            }
        } else if (fragments != null) {
            throw new WireFormatException("stream event " + into.events() + ": delta.tool_calls is not an array");
        }
    }

    // The usage chunk comes last, after the finish reason: a stream cut short before it reported none.
    @Override
    public Usage reportedSoFar() {
        return usage;
    }

    private void toolCallDelta(JsonNode fragment, StreamAssembler into) {
        JsonNode index = fragment.path("index");
        if (!index.isIntegralNumber() || !index.canConvertToInt() || index.asInt() < 0) {
            throw broken(into, "has no index");
        }
        JsonNode arguments = fragment.path("function").path("arguments");
        if (!arguments.isMissingNode() && !arguments.isNull() && !arguments.isTextual()) {
            throw broken(into, "has arguments that are not a string");
        }
        String piece = arguments.isTextual() ? arguments.asText() : "";
        String callId = OpenAiResponseMapper.textOr(fragment, "id", "");
        Integer known = callAt.get(index.asInt());
        if (known != null && (callId.isEmpty() || callId.equals(callIds.get(known)))) {
            if (!piece.isEmpty()) {
                into.toolCall(StreamEvent.ToolCallDelta.arguments(known, piece));
            }
            return;
        }
        String name = OpenAiResponseMapper.textOr(fragment.path("function"), "name", "");
        if (callId.isEmpty() || name.isEmpty()) {
            throw broken(into, "starts tool call " + index.asInt() + " without an id and a function name");
        }
        int ours = callIds.size();
        callAt.put(index.asInt(), ours);
        callIds.add(callId);
        into.toolCall(StreamEvent.ToolCallDelta.start(ours, callId, name, piece));
    }

    private static WireFormatException broken(StreamAssembler into, String what) {
        return new WireFormatException("stream event " + into.events() + ": a tool_calls entry " + what);
    }

    private JsonNode parse(String data, int events) {
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

    /** The first chunk, OpenAI's role-only one, read well: the stream is accepted. */
    @Override
    public boolean accepted() {
        return !done;
    }

    @Override
    public boolean done() {
        return done;
    }

    @Override
    public String endedEarly(int events) {
        return "stream ended before data: [DONE] after " + events + " events";
    }

    @Override
    public Completion finish(StreamAssembler assembled) {
        return assembled.completion(id, providerModel,
                OpenAiResponseMapper.withCalls(finishReason, assembled.toolCalls()), usage);
    }
}
