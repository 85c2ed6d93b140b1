package io.llmclient.provider.openai;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Requests and contexts the OpenAI tests share. */
final class TestRequests {
    static final ModelEntry GPT_41_MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    static final A2aContext A2A = new A2aContext("t-123", Optional.of("planner"), Optional.of("s-9"));
    static final CallContext CONTEXT = new CallContext(GPT_41_MINI, A2A);

    private TestRequests() {
    }

    /** The request behind fixture {@code chat-request.json}: system + user, temperature 0, 256 tokens. */
    static ChatRequest helloRequest(boolean stream) {
        return new ChatRequest(Optional.of("gpt-4.1-mini"),
                List.of(new Message(Role.SYSTEM, "You are a helpful assistant."), new Message(Role.USER, "Hello!")),
                OptionalDouble.of(0), OptionalInt.of(256), stream, Optional.empty(), Optional.empty(), A2A);
    }

    /** The request behind the recorded stream and completion fixtures. */
    static ChatRequest weatherRequest() {
        return new ChatRequest(Optional.of("gpt-4.1-mini"), List.of(new Message(Role.USER, "What's the weather like in SF?")),
                OptionalDouble.empty(), OptionalInt.empty(), false, Optional.empty(), Optional.empty(), A2A);
    }
}
