package io.llmclient.provider.gemini;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.provider.support.json.SharedBufferJson;
import io.llmclient.provider.support.skeleton.HttpProvider;
import io.llmclient.provider.support.skeleton.ProviderParts;
import java.net.URI;
import java.time.Clock;

/**
 * Registers the Gemini adapter: Google Gemini through {@code generateContent} and
 * {@code streamGenerateContent?alt=sse} on the shared {@link HttpProvider}, with this module's
 * wire parts. Without a key (GOOGLE_API_KEY, read by bootstrap) the provider exists but is
 * unavailable, and builds no HTTP client.
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
        URI baseUrl = settings.baseUrl().orElse(DEFAULT_BASE_URL);
        var errors = new GeminiErrorMapper(settings.apiKey(), Clock.systemUTC());
        String keyVariable = description().apiKeyVariable().orElseThrow();
        return new HttpProvider(settings, baseUrl, new ProviderParts(ProviderId.GEMINI, keyVariable,
                SharedBufferJson.mapperBuilder().build(),
                new GeminiRequestMapper(baseUrl),
                new GeminiResponseMapper(errors),
                GeminiStreamDecoder::new,
                errors));
    }
}
