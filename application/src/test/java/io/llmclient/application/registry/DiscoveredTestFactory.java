package io.llmclient.application.registry;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;

/**
 * A provider module as {@link java.util.ServiceLoader} finds it: listed in this module's test
 * {@code META-INF/services}. Its provider is available exactly when the settings carry a key.
 */
public final class DiscoveredTestFactory implements LlmProviderFactory {
    static final ProviderId ID = new ProviderId("discovered");

    @Override
    public ProviderId id() {
        return ID;
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        return new LlmProvider() {
            @Override
            public ProviderId id() {
                return ID;
            }

            @Override
            public Availability availability() {
                return settings.apiKey().isPresent() ? Availability.up() : Availability.down("no API key");
            }

            @Override
            public ChatResponse complete(ChatRequest request, CallContext context) {
                throw new UnsupportedOperationException("not called by registry tests");
            }

            @Override
            public void stream(ChatRequest request, CallContext context, StreamSink sink) {
                throw new UnsupportedOperationException("not called by registry tests");
            }
        };
    }
}
