package io.llmclient.provider.support.skeleton;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an upstream answer says, whole or streamed, before the call's context is added: the
 * provider's answer id ({@code ""} when it gave none) and model name ({@code ""} when it gave none),
 * the text, the tool calls in their order, the normalised finish reason and the token counts, and
 * the stop sequence that ended it when the provider said which.
 */
public record Completion(String id, String providerModel, String content, List<ToolCall> toolCalls,
                         FinishReason finishReason, Usage usage, Optional<String> stopSequence) {
    public Completion {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(providerModel, "providerModel");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(finishReason, "finishReason");
        Objects.requireNonNull(usage, "usage");
        Objects.requireNonNull(stopSequence, "stopSequence");
    }

    /** An answer that names no stop sequence. */
    public Completion(String id, String providerModel, String content, List<ToolCall> toolCalls,
                      FinishReason finishReason, Usage usage) {
        this(id, providerModel, content, toolCalls, finishReason, usage, Optional.empty());
    }

    /** The same answer, ended by {@code sequence} when one is given. */
    public Completion withStopSequence(Optional<String> sequence) {
        return new Completion(id, providerModel, content, toolCalls, finishReason, usage, sequence);
    }

    /** A text answer without tool calls. */
    public Completion(String id, String providerModel, String content, FinishReason finishReason, Usage usage) {
        this(id, providerModel, content, List.of(), finishReason, usage);
    }

    /**
     * The response the caller gets: the catalog's model id, the upstream's model name (the catalog's
     * {@code providerModel} when the upstream named none), the call's trace id and {@code latency}.
     */
    public ChatResponse response(ProviderId provider, CallContext context, Duration latency) {
        String upstreamModel = providerModel.isEmpty() ? context.model().providerModel() : providerModel;
        ChatResponse response = new ChatResponse(id, context.model().id(), upstreamModel, provider, content, toolCalls,
                finishReason, usage, context.a2a().traceId(), latency);
        return stopSequence.filter(sequence -> finishReason == FinishReason.STOP)
                .map(response::withStopSequence).orElse(response);
    }
}
