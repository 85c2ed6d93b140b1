package io.llmclient.domain.tools;

import java.util.Objects;

/**
 * One function call the model asked for. {@code arguments} is a JSON text, as OpenAI sends it,
 * kept as a string so that what the model produced reaches the caller byte for byte (and the
 * domain needs no JSON library). {@code id} is what a later tool message answers.
 */
public record ToolCall(String id, String name, String arguments) {
    public ToolCall {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(arguments, "arguments");
    }
}
