package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent.ToolCallDelta;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.json.SharedBufferJson;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.StreamAssembler;
import io.llmclient.provider.support.skeleton.StreamDecoder;
import io.llmclient.provider.support.skeleton.WireFormatException;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Reads the {@code GenerateContentResponse} chunks of an answer: one per event of an
 * {@code alt=sse} stream, or the one body of {@code generateContent}
 * ({@link GeminiResponseMapper}). Both paths end here, so a streamed and a non-streamed answer
 * with the same chunks normalise the same way. Gemini's protocol has no last event: the end of
 * the body ends a stream, well once a finish reason (or a refused prompt) has come.
 *
 * <p>Tool calls: Gemini sends each {@code functionCall} part whole (its {@code args} an object,
 * never cut into fragments), so each call becomes one {@link ToolCallDelta} carrying id, name
 * and all its arguments, after the chunk's text. Gemini gives no call ids (some models send
 * {@code functionCall.id}; that one is kept): the id is {@code call_<responseId>_<index>}, unique
 * because response ids are, and the same for a streamed and a non-streamed answer with the same
 * response id. A part's {@code thoughtSignature} rides on its call's fragment and so reaches the
 * response's call.
 */
final class GeminiStreamDecoder implements StreamDecoder {
    private static final ObjectMapper JSON = SharedBufferJson.mapperBuilder().build();
    // An HTTP 200 whose body is not a usable answer: the status is the upstream's real one.
    private static final OptionalInt OK = OptionalInt.of(200);

    private int callCount;
    // Used for the response id (and so the call ids) only when Gemini sends no responseId.
    private final String fallbackId = "gemini-" + UUID.randomUUID();
    private boolean hasCandidate;
    private Optional<String> finishReason = Optional.empty();
    private Optional<String> blockReason = Optional.empty();
    private Optional<Usage> usage = Optional.empty();
    private Optional<String> modelVersion = Optional.empty();
    private Optional<String> responseId = Optional.empty();

    @Override
    public void decode(ServerSentEvent event, StreamAssembler into) {
        read(parse(event.parsableData()), into);
    }

    /**
     * Reads one chunk; every stream event carries cumulative usage, so the last one seen wins.
     *
     * @throws LlmFailureException when the chunk is an {@code error} envelope (it can arrive with
     *                             HTTP 200, inside a stream)
     * @throws WireFormatException for a {@code functionCall} without a name or with {@code args}
     *                             that are not an object
     */
    void read(JsonNode root, StreamAssembler into) {
        JsonNode error = root.path("error");
        if (error.isObject()) {
            throw into.failure(error);
        }
        GeminiChunk chunk = GeminiChunk.read(root);
        hasCandidate |= chunk.hasCandidate();
        finishReason = chunk.finishReason().or(() -> finishReason);
        blockReason = chunk.blockReason().or(() -> blockReason);
        usage = chunk.usage().or(() -> usage);
        modelVersion = chunk.modelVersion().or(() -> modelVersion);
        responseId = chunk.responseId().or(() -> responseId);
        into.text(chunk.text());
        for (GeminiChunk.FunctionCall call : chunk.calls()) {
            int index = callCount++;
            String id = call.id().orElseGet(() -> "call_" + responseId() + "_" + index);
            into.toolCall(new ToolCallDelta(index, Optional.of(id), Optional.of(call.name()), call.arguments(),
                    call.thoughtSignature()));
        }
    }

    /** A body or event as the JSON object it must be. */
    static JsonNode parse(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || !root.isObject()) {
                throw new WireFormatException("not a JSON object");
            }
            return root;
        } catch (IOException broken) {
            throw new WireFormatException("malformed JSON (" + broken.getClass().getSimpleName() + ")");
        }
    }

    private String responseId() {
        return responseId.orElse(fallbackId);
    }

    /** Whether the answer is known to be over: a finish reason arrived, or the prompt was blocked. */
    @Override
    public boolean whole() {
        return finishReason.isPresent() || (blockReason.isPresent() && !hasCandidate);
    }

    @Override
    public String endedEarly(int events) {
        // No [DONE] in Gemini's protocol: the end of the body after a finishReason is the end. A body
        // that ends before one was cut off, like a dropped connection.
        return "Gemini's stream ended before a finishReason";
    }

    /**
     * The normalised answer.
     *
     * @throws LlmFailureException with {@code ProviderFailed} when the answer is unusable: no
     *                             candidate and no block reason, no finish reason, or an empty
     *                             text that claims to have stopped normally
     */
    @Override
    public Completion finish(StreamAssembler assembled) {
        FinishReason reason;
        List<ToolCall> toolCalls = assembled.toolCalls();
        if (!hasCandidate && blockReason.isPresent()) {
            // A refused prompt is an answer, not a provider fault (decision in docs/providers/gemini.md):
            // counting it as a failure would let one caller's prompts open the circuit for everyone.
            reason = FinishReason.CONTENT_FILTER;
        } else if (!hasCandidate) {
            throw failure("Gemini answered without candidates and without a promptFeedback.blockReason", false);
        } else if (finishReason.isEmpty()) {
            throw failure("Gemini's candidate has no finishReason", false);
        } else {
            reason = GeminiFinishReasons.map(finishReason.get());
            if (reason == FinishReason.STOP && !toolCalls.isEmpty()) {
                // Gemini has no finish reason of its own for calls: a candidate that calls functions ends with STOP.
                reason = FinishReason.TOOL_CALLS;
            }
            if (reason == FinishReason.STOP && !assembled.hasContent()) {
                // Gemini occasionally stops "normally" with no text at all; a fresh attempt usually answers.
                throw failure("Gemini's candidate finished with STOP but has no text parts", true);
            }
        }
        return assembled.completion(responseId(), modelVersion.orElse(""), reason, usage.orElse(Usage.ZERO));
    }

    // Every chunk carries the usage so far: a stream cut short is charged for what it reported.
    @Override
    public Usage reportedSoFar() {
        return usage.orElse(Usage.ZERO);
    }

    private static LlmFailureException failure(String message, boolean transientFailure) {
        return new LlmFailureException(new ProviderFailed(ProviderId.GEMINI, OK, message, transientFailure));
    }
}
