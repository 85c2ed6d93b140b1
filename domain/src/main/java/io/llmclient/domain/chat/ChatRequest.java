package io.llmclient.domain.chat;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * A validated chat request: what to say, how, and which model the caller asked for (a model,
 * a tier, a complexity, or none for the default). Built by {@code validation.ChatRequestParser}, which reports every broken field.
 */
public record ChatRequest(
        Optional<String> model,
        List<Message> messages,
        OptionalDouble temperature,
        OptionalInt maxTokens,
        boolean stream,
        Optional<ModelTier> tier,
        Optional<Complexity> complexity,
        A2aContext context) {

    public ChatRequest {
        Objects.requireNonNull(model, "model");
        messages = List.copyOf(messages);
        if (messages.isEmpty()) {
            throw new IllegalArgumentException("messages must not be empty");
        }
        Objects.requireNonNull(temperature, "temperature");
        Objects.requireNonNull(maxTokens, "maxTokens");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(complexity, "complexity");
        Objects.requireNonNull(context, "context");
    }

    /** A plain request for one model with default sampling, mostly for tests and tools. */
    public static ChatRequest of(String model, List<Message> messages, A2aContext context) {
        return new ChatRequest(Optional.of(model), messages, OptionalDouble.empty(), OptionalInt.empty(),
                false, Optional.empty(), Optional.empty(), context);
    }
}
