package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.Usage;
import java.util.Objects;
import java.util.Optional;

/**
 * What the adapter reads from one {@code GenerateContentResponse}: a whole non-streamed answer,
 * or one event of an {@code alt=sse} stream (which has the same shape). Only the first
 * candidate counts: the adapter never asks for more than one.
 *
 * @param text          the candidate's text parts joined, thought parts left out ("" when none)
 * @param hasCandidate  whether {@code candidates} held a candidate at all
 * @param finishReason  the candidate's {@code finishReason} as Gemini spells it
 * @param blockReason   {@code promptFeedback.blockReason}: the prompt itself was refused
 * @param usage         {@code usageMetadata} normalised (completion includes thinking tokens)
 */
record GeminiChunk(String text, boolean hasCandidate, Optional<String> finishReason, Optional<String> blockReason,
                   Optional<Usage> usage, Optional<String> modelVersion, Optional<String> responseId) {

    GeminiChunk {
        Objects.requireNonNull(text, "text");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(blockReason, "blockReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(responseId, "responseId");
    }

    /** Reads a parsed {@code GenerateContentResponse}. Unknown fields are ignored. */
    static GeminiChunk read(JsonNode root) {
        JsonNode candidate = root.path("candidates").path(0);
        boolean hasCandidate = candidate.isObject();
        StringBuilder text = new StringBuilder();
        for (JsonNode part : candidate.path("content").path("parts")) {
            // Thought summaries (thought: true) are the model's reasoning, not its answer.
            if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            }
        }
        return new GeminiChunk(text.toString(), hasCandidate, string(candidate, "finishReason"),
                string(root.path("promptFeedback"), "blockReason"), usage(root.path("usageMetadata")),
                string(root, "modelVersion"), string(root, "responseId"));
    }

    private static Optional<String> string(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /**
     * The contract counts reasoning as completion (as OpenAI does): completion is
     * {@code candidatesTokenCount + thoughtsTokenCount}. {@code promptTokenCount} already includes
     * cached content. Gemini's own {@code totalTokenCount} is not read: the total is always
     * prompt + completion.
     */
    private static Optional<Usage> usage(JsonNode metadata) {
        if (!metadata.isObject()) {
            return Optional.empty();
        }
        int prompt = metadata.path("promptTokenCount").asInt(0);
        int completion = metadata.path("candidatesTokenCount").asInt(0) + metadata.path("thoughtsTokenCount").asInt(0);
        return Optional.of(new Usage(Math.max(prompt, 0), Math.max(completion, 0)));
    }
}
