package io.llmclient.domain.chat;

import java.time.Duration;
import java.util.Objects;

/**
 * A normalised completion. {@code model} is the catalog id the request resolved to;
 * {@code providerModel} is the upstream's own name for it (often a dated snapshot).
 */
public record ChatResponse(
        String id,
        String model,
        String providerModel,
        ProviderId provider,
        String content,
        FinishReason finishReason,
        Usage usage,
        String traceId,
        Duration latency) {

    public ChatResponse {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(providerModel, "providerModel");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(latency, "latency");
    }

    /** The same response with the latency the caller observed (measured outside the provider). */
    public ChatResponse withLatency(Duration observed) {
        return new ChatResponse(id, model, providerModel, provider, content, finishReason, usage, traceId, observed);
    }
}
