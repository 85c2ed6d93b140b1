package io.llmclient.application.testing;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.testing.ChatResponses;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A provider behind the port whose behaviour each test scripts. It keeps every request and
 * call context it was given (in order, safe to read from the test thread while a server calls
 * it) and, when given a journal, writes {@code provider.<operation> <id> <model>} to it.
 */
public final class FakeProvider implements LlmProvider {

    /**
     * What a call does: answer, stream, or throw. A lambda serves both operations: a completion
     * runs it with a sink that refuses events, a stream with the caller's sink (its answer is
     * then ignored). A script whose streams differ from its completions overrides {@link #stream}.
     */
    @FunctionalInterface
    public interface Behaviour {
        ChatResponse run(ChatRequest request, CallContext context, StreamSink sink);

        default void stream(ChatRequest request, CallContext context, StreamSink sink) {
            run(request, context, sink);
        }
    }

    private final ProviderId id;
    private final Consumer<String> journal;
    public volatile Availability availability = Availability.up();
    /** Answers {@code Hi!} until a test says otherwise. */
    public volatile Behaviour behaviour = (request, context, sink) -> response(context, "Hi!");
    public final List<ChatRequest> requests = new CopyOnWriteArrayList<>();
    public final List<CallContext> contexts = new CopyOnWriteArrayList<>();

    public FakeProvider(ProviderId id) {
        this(id, entry -> { });
    }

    public FakeProvider(ProviderId id, Consumer<String> journal) {
        this.id = id;
        this.journal = journal;
    }

    /**
     * The response a provider would build for {@code context}: its model, upstream name and
     * trace, usage 9+3, and a latency of zero (the service measures the real one).
     */
    public static ChatResponse response(CallContext context, String content) {
        return ChatResponses.builder().id("resp-1").model(context.model()).content(content).usage(9, 3)
                .traceId(context.a2a().traceId()).build();
    }

    /** A factory handing out this very instance, for a registry under test. */
    public LlmProviderFactory factory() {
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

    /** The request of the latest call; throws when there was none. */
    public ChatRequest lastRequest() {
        return requests.getLast();
    }

    /** The context of the latest call; throws when there was none. */
    public CallContext lastContext() {
        return contexts.getLast();
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
        behaviour.stream(request, context, sink);
    }

    private void record(String operation, ChatRequest request, CallContext context) {
        requests.add(request);
        contexts.add(context);
        journal.accept("provider." + operation + " " + id + " " + context.model().id());
    }
}
