package io.llmclient.domain.testing;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import java.time.Duration;
import java.util.List;

/**
 * Chat responses for tests, naming only what a test is about. Unset components: id
 * {@code resp-1}, model {@code m} of the simulator (its upstream name the same as the model
 * unless set), content {@code Hello}, no tool calls, {@code STOP}, zero usage, trace
 * {@code t}, zero latency (a provider's own; the service measures the real one).
 */
public final class ChatResponses {
    private ChatResponses() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the components of one response; {@link #build()} runs the record's own checks. */
    public static final class Builder {
        private String id = "resp-1";
        private String model = "m";
        private String providerModel;
        private ProviderId provider = ProviderId.SIMULATOR;
        private String content = "Hello";
        private List<ToolCall> toolCalls = List.of();
        private FinishReason finishReason = FinishReason.STOP;
        private Usage usage = Usage.ZERO;
        private String traceId = "t";
        private Duration latency = Duration.ZERO;

        private Builder() {
        }

        public Builder id(String value) {
            this.id = value;
            return this;
        }

        /** The catalog model; the upstream name follows it unless {@link #providerModel} is set. */
        public Builder model(String value) {
            this.model = value;
            return this;
        }

        public Builder providerModel(String value) {
            this.providerModel = value;
            return this;
        }

        /** The model, upstream name and provider of a catalog entry, as a provider answering for it reports them. */
        public Builder model(ModelEntry entry) {
            return model(entry.id()).providerModel(entry.providerModel()).provider(entry.provider());
        }

        public Builder provider(ProviderId value) {
            this.provider = value;
            return this;
        }

        public Builder content(String value) {
            this.content = value;
            return this;
        }

        public Builder toolCalls(List<ToolCall> value) {
            this.toolCalls = value;
            return this;
        }

        public Builder toolCalls(ToolCall... value) {
            return toolCalls(List.of(value));
        }

        public Builder finishReason(FinishReason value) {
            this.finishReason = value;
            return this;
        }

        public Builder usage(Usage value) {
            this.usage = value;
            return this;
        }

        public Builder usage(int promptTokens, int completionTokens) {
            return usage(new Usage(promptTokens, completionTokens));
        }

        public Builder traceId(String value) {
            this.traceId = value;
            return this;
        }

        public Builder latency(Duration value) {
            this.latency = value;
            return this;
        }

        public ChatResponse build() {
            return new ChatResponse(id, model, providerModel == null ? model : providerModel, provider, content,
                    toolCalls, finishReason, usage, traceId, latency);
        }
    }
}
