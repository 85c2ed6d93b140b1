package io.llmclient.domain.chat;

import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.tools.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A normalised completion. {@code model} is the catalog id the request resolved to;
 * {@code providerModel} is the upstream's own name for it (often a dated snapshot).
 * {@code toolCalls} are the functions the model called, in the provider's order (empty when it
 * answered in text); {@code content} is then whatever text came with them, often empty.
 * {@code cost} is what the call cost under the caller's prices ({@code cost_usd}), absent when the
 * model has no price. {@code stopSequence} is the caller's stop sequence that ended the answer, when
 * the provider reported which one (Anthropic does; OpenAI and Gemini do not): its finish reason is
 * then {@code stop}.
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
        Duration latency,
        Optional<NanoUsd> cost,
        Optional<String> stopSequence) {

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
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(stopSequence, "stopSequence");
        if (stopSequence.isPresent() && finishReason != FinishReason.STOP) {
            throw new IllegalArgumentException("a stop sequence ends an answer with finish reason stop");
        }
    }

    /** A response that names no stop sequence. */
    public ChatResponse(String id, String model, String providerModel, ProviderId provider, String content,
                        List<ToolCall> toolCalls, FinishReason finishReason, Usage usage, String traceId,
                        Duration latency, Optional<NanoUsd> cost) {
        this(id, model, providerModel, provider, content, toolCalls, finishReason, usage, traceId, latency, cost,
                Optional.empty());
    }

    /** A response not priced (yet). */
    public ChatResponse(String id, String model, String providerModel, ProviderId provider, String content,
                        List<ToolCall> toolCalls, FinishReason finishReason, Usage usage, String traceId,
                        Duration latency) {
        this(id, model, providerModel, provider, content, toolCalls, finishReason, usage, traceId, latency,
                Optional.empty());
    }

    /** A text answer without tool calls. */
    public ChatResponse(String id, String model, String providerModel, ProviderId provider, String content,
                        FinishReason finishReason, Usage usage, String traceId, Duration latency) {
        this(id, model, providerModel, provider, content, List.of(), finishReason, usage, traceId, latency);
    }

    /** The same response with the latency the caller observed (measured outside the provider). */
    public ChatResponse withLatency(Duration observed) {
        return new ChatResponse(id, model, providerModel, provider, content, toolCalls, finishReason, usage, traceId,
                observed, cost, stopSequence);
    }

    /** The same response priced at {@code charged}. */
    public ChatResponse withCost(Optional<NanoUsd> charged) {
        return new ChatResponse(id, model, providerModel, provider, content, toolCalls, finishReason, usage, traceId,
                latency, charged, stopSequence);
    }

    /** The same response ended by the stop sequence {@code sequence}. */
    public ChatResponse withStopSequence(String sequence) {
        return new ChatResponse(id, model, providerModel, provider, content, toolCalls, FinishReason.STOP, usage,
                traceId, latency, cost, Optional.of(sequence));
    }
}
