package io.llmclient.domain.tools;

import java.util.Objects;
import java.util.Optional;

/**
 * One function call the model asked for. {@code arguments} is a JSON text, as OpenAI sends it,
 * kept as a string so that what the model produced reaches the caller byte for byte (and the
 * domain needs no JSON library). {@code id} is what a later tool message answers.
 *
 * <p>{@code thoughtSignature} is an opaque value a provider attached to the call and needs back,
 * unchanged, when the call is replayed in a later request's history (Gemini 3 refuses a function
 * call round trip without it). The domain never reads it; on the wire it travels as
 * {@code extra_content.google.thought_signature}, the member Google's own OpenAI-compatible
 * endpoint uses (docs/tool-calling.md). Providers that have no such value ignore it.
 */
public record ToolCall(String id, String name, String arguments, Optional<String> thoughtSignature) {
    /**
     * The longest signature a request may carry back. Gemini's are a few hundred bytes to a few
     * kilobytes; the bound only stops a caller from using the field as unbounded storage.
     */
    public static final int MAX_THOUGHT_SIGNATURE_LENGTH = 65_536;

    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
        Objects.requireNonNull(thoughtSignature, "thoughtSignature");
        if (thoughtSignature.filter(String::isBlank).isPresent()) {
            throw new IllegalArgumentException("a thought signature is never blank; leave it empty instead");
        }
    }

    /** A call without a thought signature (every provider but Gemini's thinking models). */
    public ToolCall(String id, String name, String arguments) {
        this(id, name, arguments, Optional.empty());
    }

    /** This call carrying {@code signature} back to the provider that issued it. */
    public ToolCall withThoughtSignature(String signature) {
        return new ToolCall(id, name, arguments, Optional.of(signature));
    }
}
