package io.llmclient.domain.testing;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * Chat requests for tests, naming only what a test is about. Every component left unset has
 * the value a caller gets by not sending it: no model, no sampling, no tier or complexity, no
 * tools, not streamed, trace {@code t}, and one user turn {@code Hello} when no turn is added.
 */
public final class ChatRequests {
    private ChatRequests() {
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects the components of one request; {@link #build()} runs the record's own checks. */
    public static final class Builder {
        private Optional<String> model = Optional.empty();
        /** Null until a turn is given: then one user turn {@code Hello}. */
        private List<Message> messages;
        private OptionalDouble temperature = OptionalDouble.empty();
        private OptionalInt maxTokens = OptionalInt.empty();
        private boolean stream;
        private Optional<ModelTier> tier = Optional.empty();
        private Optional<Complexity> complexity = Optional.empty();
        private A2aContext context = A2aContext.ofTrace("t");
        private List<ToolDefinition> tools = List.of();
        private Optional<ToolChoice> toolChoice = Optional.empty();
        private Optional<ResponseFormat> responseFormat = Optional.empty();
        private List<String> stop = List.of();
        private ForwardedHeaders forwarded = ForwardedHeaders.NONE;

        private Builder() {
        }

        public Builder model(String id) {
            this.model = Optional.of(id);
            return this;
        }

        public Builder model(Optional<String> id) {
            this.model = id;
            return this;
        }

        /** Appends a system turn. */
        public Builder system(String content) {
            return message(new Message(Role.SYSTEM, content));
        }

        /** Appends a user turn. */
        public Builder user(String content) {
            return message(new Message(Role.USER, content));
        }

        /** Appends an assistant turn. */
        public Builder assistant(String content) {
            return message(new Message(Role.ASSISTANT, content));
        }

        /** Appends one turn. */
        public Builder message(Message message) {
            var next = new ArrayList<Message>(messages == null ? List.of() : messages);
            next.add(message);
            messages = next;
            return this;
        }

        /**
         * Replaces the conversation with these turns, handed to the record as given (so that a
         * test can check what the record does with them; none: the record refuses it).
         */
        public Builder messages(List<Message> conversation) {
            messages = conversation;
            return this;
        }

        public Builder messages(Message... conversation) {
            return messages(List.of(conversation));
        }

        public Builder temperature(double value) {
            this.temperature = OptionalDouble.of(value);
            return this;
        }

        public Builder maxTokens(int value) {
            this.maxTokens = OptionalInt.of(value);
            return this;
        }

        public Builder maxTokens(OptionalInt value) {
            this.maxTokens = value;
            return this;
        }

        public Builder stream(boolean value) {
            this.stream = value;
            return this;
        }

        public Builder tier(ModelTier value) {
            this.tier = Optional.of(value);
            return this;
        }

        public Builder complexity(Complexity value) {
            this.complexity = Optional.of(value);
            return this;
        }

        public Builder context(A2aContext value) {
            this.context = value;
            return this;
        }

        /** A context with only this trace id. */
        public Builder traceId(String value) {
            return context(A2aContext.ofTrace(value));
        }

        public Builder tools(List<ToolDefinition> value) {
            this.tools = value;
            return this;
        }

        public Builder tools(ToolDefinition... value) {
            return tools(List.of(value));
        }

        public Builder toolChoice(ToolChoice value) {
            this.toolChoice = Optional.of(value);
            return this;
        }

        public Builder toolChoice(Optional<ToolChoice> value) {
            this.toolChoice = value;
            return this;
        }

        public Builder responseFormat(ResponseFormat value) {
            this.responseFormat = Optional.of(value);
            return this;
        }

        public Builder responseFormat(Optional<ResponseFormat> value) {
            this.responseFormat = value;
            return this;
        }

        public Builder stop(String... sequences) {
            this.stop = List.of(sequences);
            return this;
        }

        public Builder forwarded(ForwardedHeaders value) {
            this.forwarded = value;
            return this;
        }

        public ChatRequest build() {
            List<Message> conversation = messages == null ? List.of(new Message(Role.USER, "Hello")) : messages;
            return new ChatRequest(model, conversation, temperature, maxTokens, stream, tier, complexity, context,
                    tools, toolChoice, responseFormat, stop, forwarded);
        }
    }
}
