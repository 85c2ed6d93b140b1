package io.llmclient.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.Usage;
import io.llmclient.provider.support.json.SharedBufferJson;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the adapter reads from one {@code GenerateContentResponse}: a whole non-streamed answer,
 * or one event of an {@code alt=sse} stream (which has the same shape). Only the first
 * candidate counts: the adapter never asks for more than one.
 *
 * @param text          the candidate's text parts joined, thought parts left out ("" when none)
 * @param calls         the candidate's {@code functionCall} parts, in part order
 * @param hasCandidate  whether {@code candidates} held a candidate at all
 * @param finishReason  the candidate's {@code finishReason} as Gemini spells it
 * @param blockReason   {@code promptFeedback.blockReason}: the prompt itself was refused
 * @param usage         {@code usageMetadata} normalised (completion includes thinking tokens)
 */
record GeminiChunk(String text, List<FunctionCall> calls, boolean hasCandidate, Optional<String> finishReason,
                   Optional<String> blockReason, Optional<Usage> usage, Optional<String> modelVersion,
                   Optional<String> responseId) {

    private static final ObjectMapper JSON = SharedBufferJson.mapperBuilder().build();

    GeminiChunk {
        Objects.requireNonNull(text, "text");
        calls = List.copyOf(calls);
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(blockReason, "blockReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(modelVersion, "modelVersion");
        Objects.requireNonNull(responseId, "responseId");
    }

    /**
     * One {@code functionCall} part. Gemini sends {@code args} as a JSON object, never as text:
     * {@code arguments} is that object written as compact JSON ({@code {}} when absent).
     * {@code id} is Gemini's own call id, which only some models send. {@code thoughtSignature} is
     * the part's sibling {@code thoughtSignature}, which thinking models attach (to the first call
     * of a parallel set only) and Gemini 3 requires back on that part.
     */
    record FunctionCall(Optional<String> id, String name, String arguments, Optional<String> thoughtSignature) {
        FunctionCall {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
            Objects.requireNonNull(thoughtSignature, "thoughtSignature");
        }
    }

    /**
     * Reads a parsed {@code GenerateContentResponse}. Unknown fields are ignored.
     *
     * @throws WireFormatException for a {@code functionCall} without a name or with {@code args}
     *                             that are not an object
     */
    static GeminiChunk read(JsonNode root) {
        JsonNode candidate = root.path("candidates").path(0);
        boolean hasCandidate = candidate.isObject();
        StringBuilder text = new StringBuilder();
        List<FunctionCall> calls = new ArrayList<>();
        for (JsonNode part : candidate.path("content").path("parts")) {
            // Thought summaries (thought: true) are the model's reasoning, not its answer.
            if (part.path("text").isTextual() && !part.path("thought").asBoolean(false)) {
                text.append(part.path("text").asText());
            }
            if (part.path("functionCall").isObject()) {
                calls.add(functionCall(part.path("functionCall"), signature(part)));
            }
        }
        return new GeminiChunk(text.toString(), calls, hasCandidate, string(candidate, "finishReason"),
                string(root.path("promptFeedback"), "blockReason"), usage(root.path("usageMetadata")),
                string(root, "modelVersion"), string(root, "responseId"));
    }

    private static FunctionCall functionCall(JsonNode call, Optional<String> thoughtSignature) {
        Optional<String> name = string(call, "name");
        JsonNode args = call.path("args");
        if (name.isEmpty()) {
            throw new WireFormatException("a functionCall part without a name");
        }
        if (!args.isMissingNode() && !args.isNull() && !args.isObject()) {
            throw new WireFormatException("functionCall args that are not a JSON object");
        }
        String arguments;
        try {
            arguments = args.isObject() ? JSON.writeValueAsString(args) : "{}";
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a parsed Jackson tree always serialises", impossible);
        }
        return new FunctionCall(string(call, "id"), name.get(), arguments, thoughtSignature);
    }

    // Opaque: kept byte for byte. A blank one carries nothing to give back, so it is treated as absent.
    private static Optional<String> signature(JsonNode part) {
        return string(part, "thoughtSignature").filter(signature -> !signature.isBlank());
    }

    private static Optional<String> string(JsonNode node, String field) {
        JsonNode value = node.path(field);
        return value.isTextual() && !value.asText().isEmpty() ? Optional.of(value.asText()) : Optional.empty();
    }

    /**
     * The contract counts reasoning as completion (as OpenAI does): completion is
     * {@code candidatesTokenCount + thoughtsTokenCount}. {@code promptTokenCount} already includes
     * cached content, of which {@code cachedContentTokenCount} (absent when nothing was cached) is
     * the cache reads; Gemini reports no cache writes. Gemini's own {@code totalTokenCount} is not
     * read: the total is always prompt + completion.
     */
    private static Optional<Usage> usage(JsonNode metadata) {
        if (!metadata.isObject()) {
            return Optional.empty();
        }
        int prompt = metadata.path("promptTokenCount").asInt(0);
        int completion = metadata.path("candidatesTokenCount").asInt(0) + metadata.path("thoughtsTokenCount").asInt(0);
        int cachedRead = metadata.path("cachedContentTokenCount").asInt(0);
        return Optional.of(new Usage(Math.max(prompt, 0), Math.max(completion, 0), Math.max(cachedRead, 0), 0));
    }
}
