package io.llmclient.provider.conformance;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Usage;
import java.util.Objects;
import java.util.Optional;

/**
 * A scenario as a provider test staged it: the request to send, and what the answer must be
 * when the provider knows it in advance (a recorded fixture does; the simulator's text does not).
 */
public record Staged(ChatRequest request, Optional<String> content, Optional<Usage> usage) {
    public Staged {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(usage, "usage");
    }

    /** A request whose answer the suite checks only for its shape. */
    public static Staged request(ChatRequest request) {
        return new Staged(request, Optional.empty(), Optional.empty());
    }

    /** A request whose answer must have exactly this text and usage. */
    public static Staged answer(ChatRequest request, String content, Usage usage) {
        return new Staged(request, Optional.of(content), Optional.of(usage));
    }
}
