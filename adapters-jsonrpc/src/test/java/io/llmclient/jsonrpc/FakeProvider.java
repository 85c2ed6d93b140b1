package io.llmclient.jsonrpc;

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
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Stands in for an upstream provider behind the provider port. What it does depends on the
 * catalog model it is called for, so one test server covers every outcome.
 */
final class FakeProvider implements LlmProvider {
    static final ProviderId FAKE = new ProviderId("fake");
    static final ProviderId DOWN = new ProviderId("down");
    /** A made-up key that a buggy provider puts in its exception; it must never reach a response. */
    static final String SECRET = "sk-fake-secret-0123456789abcdefXYZ9";

    private final ProviderId id;
    private final boolean available;
    final AtomicReference<CallContext> lastCall = new AtomicReference<>();

    FakeProvider(ProviderId id, boolean available) {
        this.id = id;
        this.available = available;
    }

    static LlmProviderFactory factory(FakeProvider provider) {
        return new LlmProviderFactory() {
            @Override
            public ProviderId id() {
                return provider.id;
            }

            @Override
            public LlmProvider create(ProviderSettings settings) {
                return provider;
            }
        };
    }

    @Override
    public ProviderId id() {
        return id;
    }

    @Override
    public Availability availability() {
        return available ? Availability.up() : Availability.down("no API key");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        lastCall.set(context);
        return switch (context.model().id()) {
            case "fail-model" -> throw new LlmFailureException(
                    new LlmFailure.ProviderFailed(id, OptionalInt.of(502), "upstream exploded"));
            case "refused-model" -> throw new LlmFailureException(
                    new LlmFailure.ProviderFailed(id, OptionalInt.empty(), "connection refused"));
            case "slow-model" -> throw new LlmFailureException(
                    new LlmFailure.ProviderTimedOut(id, Duration.ofSeconds(60)));
            case "limited-model" -> throw new LlmFailureException(
                    new LlmFailure.RateLimited(id, Optional.of(Duration.ofSeconds(30))));
            case "limited-unknown-model" -> throw new LlmFailureException(
                    new LlmFailure.RateLimited(id, Optional.empty()));
            case "busy-model" -> throw new LlmFailureException(new LlmFailure.Overloaded(id, 100));
            case "buggy-model" -> throw new IllegalStateException("request failed with key " + SECRET);
            default -> new ChatResponse("fake-1", context.model().id(), context.model().providerModel(), id,
                    "Hello back", FinishReason.STOP, new Usage(9, 3), context.a2a().traceId(), Duration.ZERO);
        };
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        ChatResponse response = complete(request, context);
        sink.accept(new StreamEvent.Delta(response.content()));
        sink.accept(new StreamEvent.Completed(response));
    }
}
