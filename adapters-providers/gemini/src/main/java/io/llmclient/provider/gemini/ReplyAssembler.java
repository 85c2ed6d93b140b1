package io.llmclient.provider.gemini;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.UUID;

/**
 * Builds one {@link ChatResponse} from the chunks of an answer: one chunk for
 * {@code generateContent}, one per event for a stream. Both paths end here, so a streamed and a
 * non-streamed answer with the same chunks normalise the same way.
 */
final class ReplyAssembler {
    // An HTTP 200 whose body is not a usable answer: the status is the upstream's real one.
    private static final OptionalInt OK = OptionalInt.of(200);

    private final StringBuilder content = new StringBuilder();
    private boolean hasCandidate;
    private Optional<String> finishReason = Optional.empty();
    private Optional<String> blockReason = Optional.empty();
    private Optional<Usage> usage = Optional.empty();
    private Optional<String> modelVersion = Optional.empty();
    private Optional<String> responseId = Optional.empty();

    /** Adds a chunk; every stream event carries cumulative usage, so the last one seen wins. */
    void add(GeminiChunk chunk) {
        content.append(chunk.text());
        hasCandidate |= chunk.hasCandidate();
        finishReason = chunk.finishReason().or(() -> finishReason);
        blockReason = chunk.blockReason().or(() -> blockReason);
        usage = chunk.usage().or(() -> usage);
        modelVersion = chunk.modelVersion().or(() -> modelVersion);
        responseId = chunk.responseId().or(() -> responseId);
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
            if (reason == FinishReason.STOP && content.isEmpty()) {
                // Gemini occasionally stops "normally" with no text at all; a fresh attempt usually answers.
                throw failure("Gemini's candidate finished with STOP but has no text parts", true);
            }
        }
        return new ChatResponse(responseId.orElseGet(() -> "gemini-" + UUID.randomUUID()), context.model().id(),
                modelVersion.orElse(context.model().providerModel()), ProviderId.GEMINI, content.toString(), reason,
                usage.orElse(Usage.ZERO), context.a2a().traceId(), latency);
    }

    private static LlmFailureException failure(String message, boolean transientFailure) {
        return new LlmFailureException(new ProviderFailed(ProviderId.GEMINI, OK, message, transientFailure));
    }
}
