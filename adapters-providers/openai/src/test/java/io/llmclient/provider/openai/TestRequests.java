package io.llmclient.provider.openai;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.testing.ChatRequests;
import java.util.Optional;

/** Requests and contexts the OpenAI tests share. */
final class TestRequests {
    static final ModelEntry GPT_41_MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    static final A2aContext A2A = new A2aContext("t-123", Optional.of("planner"), Optional.of("s-9"));
    static final CallContext CONTEXT = new CallContext(GPT_41_MINI, A2A);

    private TestRequests() {
    }

    /** The request behind fixture {@code chat-request.json}: system + user, temperature 0, 256 tokens. */
    static ChatRequest helloRequest(boolean stream) {
        return ChatRequests.builder().model("gpt-4.1-mini").system("You are a helpful assistant.").user("Hello!")
                .temperature(0).maxTokens(256).stream(stream).context(A2A).build();
    }

    /** The request behind the recorded stream and completion fixtures. */
    static ChatRequest weatherRequest() {
        return ChatRequests.builder().model("gpt-4.1-mini").user("What's the weather like in SF?").context(A2A).build();
    }
}
