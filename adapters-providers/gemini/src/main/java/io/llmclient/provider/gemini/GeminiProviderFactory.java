package io.llmclient.provider.gemini;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.util.Optional;

/**
 * Registers the Gemini adapter. Without a key (GOOGLE_API_KEY, read by bootstrap) the provider
 * exists but is unavailable, and builds no HTTP client.
 */
public final class GeminiProviderFactory implements LlmProviderFactory {
    /** Where Gemini's public API lives when {@code GEMINI_BASE_URL} is not set. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://generativelanguage.googleapis.com");

    @Override
    public ProviderId id() {
        return ProviderId.GEMINI;
    }

    @Override
    public ProviderDescription description() {
        return ProviderDescription.byConvention(ProviderId.GEMINI)
                .withApiKeyVariable("GOOGLE_API_KEY")
                .withDefaultBaseUrl(DEFAULT_BASE_URL)
                .withActivation(new Activation.WhenPresent(true));
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        if (!settings.enabled()) {
            return new GeminiProvider(Optional.empty(), Availability.down("switched off by configuration"),
                    settings.apiKey());
        }
        return settings.apiKey()
                .map(key -> new GeminiProvider(
                        Optional.of(new GeminiHttp(settings.baseUrl().orElse(DEFAULT_BASE_URL), key, settings)),
                        Availability.up(), settings.apiKey()))
                .orElseGet(() -> new GeminiProvider(Optional.empty(), Availability.down("no API key (GOOGLE_API_KEY)"),
                        settings.apiKey()));
    }
}
