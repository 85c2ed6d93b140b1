package io.llmclient.domain.chat;

import io.llmclient.domain.tools.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * A normalised completion. {@code model} is the catalog id the request resolved to;
 * {@code providerModel} is the upstream's own name for it (often a dated snapshot).
 * {@code toolCalls} are the functions the model called, in the provider's order (empty when it
 * answered in text); {@code content} is then whatever text came with them, often empty.
 */
public record ChatResponse(
        String id,
        String model,
        String providerModel,
        ProviderId provider,
        String content,
        List<ToolCall> toolCalls,
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
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(latency, "latency");
    }

    /** A text answer without tool calls. */
    public ChatResponse(String id, String model, String providerModel, ProviderId provider, String content,
                        FinishReason finishReason, Usage usage, String traceId, Duration latency) {
        this(id, model, providerModel, provider, content, List.of(), finishReason, usage, traceId, latency);
    }

    /** The same response with the latency the caller observed (measured outside the provider). */
    public ChatResponse withLatency(Duration observed) {
        return new ChatResponse(id, model, providerModel, provider, content, toolCalls, finishReason, usage, traceId,
                observed);
    }
}
