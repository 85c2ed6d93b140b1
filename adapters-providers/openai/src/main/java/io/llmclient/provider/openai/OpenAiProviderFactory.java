package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.provider.support.json.SharedBufferJson;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.HttpProvider;
import io.llmclient.provider.support.skeleton.ProviderParts;
import io.llmclient.provider.support.skeleton.ResponseMapper;
import java.net.URI;
import java.time.Clock;

/**
 * Registers the OpenAI adapter: OpenAI Chat Completions ({@code POST {base}/chat/completions}) on
 * the shared {@link HttpProvider}, with this module's wire parts. Without a key the provider is
 * built but unavailable; without a base URL it talks to {@code https://api.openai.com/v1}.
 * Creating it touches no network.
 *
 * <p>Tool calling passes through (OpenAI's shapes are the contract's): nothing is refused here;
 * a model that cannot call tools or answer in JSON is refused by OpenAI itself (HTTP 400).
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
        return create(settings, Clock.systemUTC());
    }

    /** As {@link #create(ProviderSettings)}, an HTTP-date {@code retry-after} measured on {@code clock}. */
    LlmProvider create(ProviderSettings settings, Clock clock) {
        URI baseUrl = settings.baseUrl().orElse(DEFAULT_BASE_URL);
        ObjectMapper json = SharedBufferJson.mapperBuilder().build();
        String keyVariable = description().apiKeyVariable().orElseThrow();
        return new HttpProvider(settings, baseUrl, new ProviderParts(ProviderId.OPENAI, keyVariable, json,
                new OpenAiRequestMapper(baseUrl), responses(json),
                () -> new OpenAiStreamDecoder(json),
                new OpenAiErrorMapper(settings.apiKey(), clock)));
    }

    // The streaming read first; the tree reads what it leaves (and says what is wrong with it).
    static ResponseMapper responses(ObjectMapper json) {
        var streamed = new OpenAiCompletionReader(json);
        var tree = ResponseMapper.ofJson(json, OpenAiResponseMapper::completion);
        return reply -> {
            Completion completion = streamed.read(reply.body());
            return completion != null ? completion : tree.completion(reply);
        };
    }
}
