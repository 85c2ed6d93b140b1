package io.llmclient.bootstrap;

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
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A plug-in provider standing in for the outside world: id {@code testprov}, available only
 * with a {@code TESTPROV_API_KEY}; answers "ok" (5 prompt + 3 completion tokens), or fails
 * with HTTP 503 when the last message is "fail", or throws {@link OutOfMemoryError} when it is
 * "oom" (an Error, not an exception: what a heap too small for an answer does). Remembers the
 * settings it was built with.
 */
public final class TestProviderFactory implements LlmProviderFactory {
    public static final ProviderId ID = new ProviderId("testprov");

    private final AtomicReference<ProviderSettings> settings = new AtomicReference<>();

    @Override
    public ProviderId id() {
        return ID;
    }

    @Override
    public LlmProvider create(ProviderSettings given) {
        settings.set(given);
        return new LlmProvider() {
            @Override
            public ProviderId id() {
                return ID;
            }

            @Override
            public Availability availability() {
                return given.apiKey().isPresent() ? Availability.up() : Availability.down("no TESTPROV_API_KEY");
            }

            @Override
            public ChatResponse complete(ChatRequest request, CallContext context) {
                if (request.messages().getLast().content().equals("oom")) {
                    throw new OutOfMemoryError("Java heap space (thrown by TestProviderFactory)");
                }
                if (request.messages().getLast().content().equals("fail")) {
                    throw new LlmFailureException(new LlmFailure.ProviderFailed(ID, OptionalInt.of(503), "down"));
                }
                return ChatResponses.builder().id("r-1").model(context.model()).provider(ID).content("ok")
                        .finishReason(FinishReason.STOP).usage(5, 3).traceId(context.a2a().traceId()).build();
            }

            @Override
            public void stream(ChatRequest request, CallContext context, StreamSink sink) {
                ChatResponse response = complete(request, context);
                sink.accept(new StreamEvent.Delta(response.content()));
                sink.accept(new StreamEvent.Completed(response));
            }
        };
    }

    /** The settings the provider was built with, once it has been built. */
    public ProviderSettings settings() {
        return settings.get();
    }
}
