package io.llmclient.provider.gemini;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent.ToolCallDelta;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.domain.tools.ToolCall;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Builds one {@link ChatResponse} from the chunks of an answer: one chunk for
 * {@code generateContent}, one per event for a stream. Both paths end here, so a streamed and a
 * non-streamed answer with the same chunks normalise the same way.
 *
 * <p>Tool calls: Gemini sends each {@code functionCall} part whole (its {@code args} an object,
 * never cut into fragments), so each call becomes one {@link ToolCallDelta} carrying id, name
 * and all its arguments; the response's calls are rebuilt from exactly those fragments, so a
 * stream's deltas and its {@code Completed} event cannot disagree. Gemini gives no call ids
 * (some models send {@code functionCall.id}; that one is kept): the id is
 * {@code call_<responseId>_<index>}, unique because response ids are, and the same for a
 * streamed and a non-streamed answer with the same response id. A part's
 * {@code thoughtSignature} rides on its call's fragment and so reaches the response's call.
 */
final class ReplyAssembler {
    // An HTTP 200 whose body is not a usable answer: the status is the upstream's real one.
    private static final OptionalInt OK = OptionalInt.of(200);

    private final StringBuilder content = new StringBuilder();
    private final ToolCallAssembler calls = new ToolCallAssembler();
    private int callCount;
    // Used for the response id (and so the call ids) only when Gemini sends no responseId.
    private final String fallbackId = "gemini-" + UUID.randomUUID();
    private boolean hasCandidate;
    private Optional<String> finishReason = Optional.empty();
    private Optional<String> blockReason = Optional.empty();
    private Optional<Usage> usage = Optional.empty();
    private Optional<String> modelVersion = Optional.empty();
    private Optional<String> responseId = Optional.empty();

    /**
     * Adds a chunk; every stream event carries cumulative usage, so the last one seen wins.
     *
     * @return one fragment per function call the chunk carried, in part order, to stream on
     */
    List<ToolCallDelta> add(GeminiChunk chunk) {
        content.append(chunk.text());
        hasCandidate |= chunk.hasCandidate();
        finishReason = chunk.finishReason().or(() -> finishReason);
        blockReason = chunk.blockReason().or(() -> blockReason);
        usage = chunk.usage().or(() -> usage);
        modelVersion = chunk.modelVersion().or(() -> modelVersion);
        responseId = chunk.responseId().or(() -> responseId);
        List<ToolCallDelta> started = new ArrayList<>(chunk.calls().size());
        for (GeminiChunk.FunctionCall call : chunk.calls()) {
            int index = callCount++;
            String id = call.id().orElseGet(() -> "call_" + responseId() + "_" + index);
            ToolCallDelta whole = new ToolCallDelta(index, Optional.of(id), Optional.of(call.name()), call.arguments(),
                    call.thoughtSignature());
            calls.add(whole);
            started.add(whole);
        }
        return List.copyOf(started);
    }

    private String responseId() {
        return responseId.orElse(fallbackId);
    }

    /** Whether the answer is known to be over: a finish reason arrived, or the prompt was blocked. */
    boolean ended() {
        return finishReason.isPresent() || (blockReason.isPresent() && !hasCandidate);
    }

    /**
     * The normalised response.
     *
     * @throws LlmFailureException with {@code ProviderFailed} when the answer is unusable: no
     *                             candidate and no block reason, no finish reason, or an empty
     *                             text that claims to have stopped normally
     */
    ChatResponse finish(CallContext context, Duration latency) {
        FinishReason reason;
        List<ToolCall> toolCalls = calls.toolCalls();
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
            if (reason == FinishReason.STOP && content.isEmpty()) {
                // Gemini occasionally stops "normally" with no text at all; a fresh attempt usually answers.
                throw failure("Gemini's candidate finished with STOP but has no text parts", true);
            }
        }
        return new ChatResponse(responseId(), context.model().id(),
                modelVersion.orElse(context.model().providerModel()), ProviderId.GEMINI, content.toString(), toolCalls,
                reason, usage.orElse(Usage.ZERO), context.a2a().traceId(), latency);
    }

    private static LlmFailureException failure(String message, boolean transientFailure) {
        return new LlmFailureException(new ProviderFailed(ProviderId.GEMINI, OK, message, transientFailure));
    }
}
