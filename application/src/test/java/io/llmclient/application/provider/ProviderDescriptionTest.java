package io.llmclient.application.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderDescription.Option;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProviderDescriptionTest {

    @Test
    void theConventionReadsTheUpperCasedIdPrefixedKeyAndBaseUrlWithoutDefault() {
        var description = ProviderDescription.byConvention(new ProviderId("my-llm"));
        assertEquals(Optional.of("MY_LLM_API_KEY"), description.apiKeyVariable());
        assertEquals(Optional.of("MY_LLM_BASE_URL"), description.baseUrlVariable());
        assertEquals(Optional.empty(), description.defaultBaseUrl());
        assertEquals(new Activation.WhenPresent(false), description.activation());
        assertEquals(List.of(), description.options());
    }

    @Test
    void aFactoryThatDescribesNothingFollowsTheConvention() {
        LlmProviderFactory factory = new LlmProviderFactory() {
            @Override
            public ProviderId id() {
                return new ProviderId("echo");
            }

            @Override
            public LlmProvider create(ProviderSettings settings) {
                throw new UnsupportedOperationException("not built here");
            }
        };
        assertEquals(ProviderDescription.byConvention(new ProviderId("echo")), factory.description());
    }

    @Test
    void theKeyVariableAndDefaultBaseUrlCanDifferFromTheConvention() {
        var description = ProviderDescription.byConvention(new ProviderId("gemini"))
                .withApiKeyVariable("GOOGLE_API_KEY")
                .withDefaultBaseUrl(URI.create("https://generativelanguage.googleapis.com"));
        assertEquals(Optional.of("GOOGLE_API_KEY"), description.apiKeyVariable());
        assertEquals(Optional.of("GEMINI_BASE_URL"), description.baseUrlVariable());
        assertEquals(Optional.of(URI.create("https://generativelanguage.googleapis.com")),
                description.defaultBaseUrl());
    }

    @Test
    void anOptionsDefaultMustKeepItsOwnMinimum() {
        assertThrows(IllegalArgumentException.class, () -> new Option("depth", "ACME_DEPTH", 1, 0));
    }
}
