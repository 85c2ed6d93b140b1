package io.llmclient.provider.anthropic;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.testing.ChatRequests;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/** Requests and contexts the Anthropic tests share. */
final class TestRequests {
    /** A catalog entry whose upstream name differs from its id, as the catalog allows. */
    static final ModelEntry HAIKU = new ModelEntry("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC, ModelTier.FAST,
            "claude-3-5-haiku-20241022");
    static final ModelEntry SONNET = new ModelEntry("claude-3-5-sonnet", ProviderId.ANTHROPIC, ModelTier.BALANCED,
            "claude-3-5-sonnet-latest");
    static final A2aContext A2A = new A2aContext("t-123", Optional.of("planner"), Optional.of("s-9"));
    static final CallContext CONTEXT = new CallContext(HAIKU, A2A);

    private TestRequests() {
    }

    static Message system(String text) {
        return new Message(Role.SYSTEM, text);
    }

    static Message user(String text) {
        return new Message(Role.USER, text);
    }

    static Message assistant(String text) {
        return new Message(Role.ASSISTANT, text);
    }

    static ChatRequest request(Message... messages) {
        return ChatRequests.builder().messages(messages).context(A2A).build();
    }

    static ChatRequest request(OptionalDouble temperature, OptionalInt maxTokens, Message... messages) {
        var request = ChatRequests.builder().messages(messages).maxTokens(maxTokens).context(A2A);
        temperature.ifPresent(request::temperature);
        return request.build();
    }

    /** The request behind fixture {@code messages-request.json}: a role in {@code system}, 2048 tokens. */
    static ChatRequest dataScientist() {
        return request(OptionalDouble.empty(), OptionalInt.of(2048),
                system("You are a seasoned data scientist at a Fortune 500 company."),
                user("Analyze this dataset for anomalies: <dataset>{{DATASET}}</dataset>"));
    }

    /** A plain question, with a system prompt, temperature and max tokens. */
    static ChatRequest weather() {
        return request(OptionalDouble.of(0.5), OptionalInt.of(256), system("Be brief."),
                user("What is the weather in SF?"));
    }
}
