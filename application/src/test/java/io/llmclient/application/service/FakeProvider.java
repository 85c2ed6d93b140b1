package io.llmclient.application.service;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** A provider behind the port whose behaviour each test scripts; it journals every call. */
final class FakeProvider implements LlmProvider {

    /** What a call does: answer, stream, or throw. */
    @FunctionalInterface
    interface Behaviour {
        ChatResponse run(ChatRequest request, CallContext context, StreamSink sink);
    }

    private final ProviderId id;
    private final Journal journal;
    Availability availability = Availability.up();
    Behaviour behaviour;
    final List<ChatRequest> requests = new ArrayList<>();
    final List<CallContext> contexts = new ArrayList<>();

    FakeProvider(ProviderId id, Journal journal) {
        this.id = id;
        this.journal = journal;
        this.behaviour = (request, context, sink) -> response(context, "Hi!");
    }

    /** The response a provider would build: its own latency is zero, the service measures the real one. */
    static ChatResponse response(CallContext context, String content) {
        return new ChatResponse("resp-1", context.model().id(), context.model().providerModel(),
                context.model().provider(), content, FinishReason.STOP, new Usage(9, 3), context.a2a().traceId(),
                Duration.ZERO);
    }

    /** A factory handing out this very instance, for a registry under test. */
    LlmProviderFactory factory() {
        FakeProvider self = this;
        return new LlmProviderFactory() {
            @Override
            public ProviderId id() {
                return id;
            }

            @Override
            public LlmProvider create(ProviderSettings settings) {
                return self;
            }
        };
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public Availability availability() {
        return availability;
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        record("complete", request, context);
        return behaviour.run(request, context, event -> {
            throw new AssertionError("complete must not stream");
        });
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        record("stream", request, context);
        behaviour.run(request, context, sink);
    }

    private void record(String operation, ChatRequest request, CallContext context) {
        requests.add(request);
        contexts.add(context);
        journal.add("provider." + operation + " " + id + " " + context.model().id());
    }
}
