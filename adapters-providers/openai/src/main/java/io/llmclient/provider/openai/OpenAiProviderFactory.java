package io.llmclient.provider.openai;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.provider.support.http.ProviderClients;
import java.net.URI;
import java.time.Clock;

/**
 * Registers the OpenAI adapter. Without a key the provider is built but unavailable; without a
 * base URL it talks to {@code https://api.openai.com/v1}. Creating it touches no network.
 */
public final class OpenAiProviderFactory implements LlmProviderFactory {
    /** Where OpenAI serves its API when {@code OPENAI_BASE_URL} is not set. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.openai.com/v1");

    @Override
    public ProviderId id() {
        return ProviderId.OPENAI;
    }

    @Override
    public ProviderDescription description() {
        return ProviderDescription.byConvention(ProviderId.OPENAI)
                .withDefaultBaseUrl(DEFAULT_BASE_URL)
                .withActivation(new Activation.WhenPresent(true));
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        URI baseUrl = settings.baseUrl().orElse(DEFAULT_BASE_URL);
        // TLS 1.2+/host name check/no redirects (which would carry the Authorization header along).
        return new OpenAiProvider(settings.enabled(), settings.apiKey(), baseUrl, ProviderClients.create(baseUrl, settings),
                settings.connectTimeout(), settings.requestTimeout(), settings.transport(), Clock.systemUTC());
    }
}
