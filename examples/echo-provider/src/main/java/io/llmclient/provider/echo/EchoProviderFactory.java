package io.llmclient.provider.echo;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;

/**
 * The ServiceLoader entry of the {@code echo} provider. Bootstrap hands it the settings read
 * from {@code ECHO_API_KEY} and {@code ECHO_BASE_URL}; it must not touch the network here.
 */
public final class EchoProviderFactory implements LlmProviderFactory {
    static final ProviderId ID = new ProviderId("echo");

    @Override
    public ProviderId id() {
        return ID;
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        return new EchoProvider(settings);
    }
}
