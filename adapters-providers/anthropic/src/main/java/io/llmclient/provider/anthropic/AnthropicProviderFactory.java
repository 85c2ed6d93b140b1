package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.provider.support.skeleton.HttpProvider;
import io.llmclient.provider.support.skeleton.ProviderParts;
import io.llmclient.provider.support.skeleton.ResponseMapper;
import java.net.URI;
import java.time.Clock;
import java.util.Optional;

/**
 * Registers the Anthropic adapter: Anthropic Messages ({@code POST {base}/v1/messages}) on the
 * shared {@link HttpProvider}, with this module's wire parts. Without a key the provider is built
 * but unavailable; without a base URL it talks to {@code https://api.anthropic.com}. Options:
 * {@code default_max_tokens} and {@code default_max_tokens.<model>} (see {@link MaxTokensDefaults}). It counts
 * input tokens with Anthropic's {@code count_tokens} ({@link AnthropicTokenCounting}).
 * Creating it touches no network.
 */
public final class AnthropicProviderFactory implements LlmProviderFactory {
    /** Where Anthropic serves its API when {@code ANTHROPIC_BASE_URL} is not set. */
    public static final URI DEFAULT_BASE_URL = URI.create("https://api.anthropic.com");

    @Override
    public ProviderId id() {
        return ProviderId.ANTHROPIC;
    }

    @Override
    public ProviderDescription description() {
        return ProviderDescription.byConvention(ProviderId.ANTHROPIC)
                .withDefaultBaseUrl(DEFAULT_BASE_URL)
                .withActivation(new Activation.WhenPresent(true));
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        MaxTokensDefaults maxTokens = MaxTokensDefaults.from(settings.options());
        URI baseUrl = settings.baseUrl().orElse(DEFAULT_BASE_URL);
        ObjectMapper json = WireJson.mapper();
        String keyVariable = description().apiKeyVariable().orElseThrow();
        return new HttpProvider(settings, baseUrl, new ProviderParts(ProviderId.ANTHROPIC, keyVariable, json,
                new AnthropicRequestMapper(baseUrl, maxTokens),
                ResponseMapper.ofJson(json, AnthropicResponseMapper::completion),
                () -> new AnthropicStreamDecoder(json),
                new AnthropicErrorMapper(settings.apiKey(), Clock.systemUTC()),
                Optional.of(new AnthropicTokenCounting(baseUrl, maxTokens, json))));
    }
}
