package io.llmclient.provider.echo;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;

/**
 * The ServiceLoader entry of the {@code echo} provider. Its description tells bootstrap which
 * variables to read ({@code ECHO_API_KEY}, {@code ECHO_BASE_URL}); bootstrap hands it the
 * settings read from them. It must not touch the network here.
 */
public final class EchoProviderFactory implements LlmProviderFactory {
    static final ProviderId ID = new ProviderId("echo");

    @Override
    public ProviderId id() {
        return ID;
    }

    // The convention, spelled out: <ID>_API_KEY and <ID>_BASE_URL, no default URL, on whenever
    // present. A provider with a public API adds .withDefaultBaseUrl(...); one whose key has
    // another name, .withApiKeyVariable(...) (Gemini's is GOOGLE_API_KEY).
    @Override
    public ProviderDescription description() {
        return ProviderDescription.byConvention(ID);
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        return new EchoProvider(settings);
    }
}
