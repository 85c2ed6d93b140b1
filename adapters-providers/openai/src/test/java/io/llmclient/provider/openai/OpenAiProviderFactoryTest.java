package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ProviderId;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class OpenAiProviderFactoryTest {
    private static final String KEY = "sk-test-factory-0123456789-LAST";

    private static ProviderSettings settings(boolean enabled, Optional<ApiKey> key) {
        return ProviderSettingsFixtures.builder(ProviderId.OPENAI).enabled(enabled).apiKey(key).build();
    }

    @Test
    void serviceLoaderFindsTheOpenAiFactory() {
        var ids = ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(provider -> provider.get().id()).toList();
        assertTrue(ids.contains(ProviderId.OPENAI), ids::toString);
    }

    @Test
    void withoutAKeyTheProviderIsUnavailableAndSaysWhy() {
        var provider = new OpenAiProviderFactory().create(settings(true, Optional.empty()));
        assertEquals(Availability.down("no API key (OPENAI_API_KEY)"), provider.availability());
    }

    @Test
    void withAKeyTheProviderIsAvailable() {
        var provider = new OpenAiProviderFactory().create(settings(true, Optional.of(new ApiKey(KEY))));
        assertEquals(Availability.up(), provider.availability());
        assertEquals(ProviderId.OPENAI, provider.id());
    }

    @Test
    void switchedOffItIsUnavailableEvenWithAKey() {
        var provider = new OpenAiProviderFactory().create(settings(false, Optional.of(new ApiKey(KEY))));
        assertFalse(provider.availability().available());
    }

    @Test
    void withoutABaseUrlItTalksToOpenAiAndItsDescriptionHidesTheKey() {
        String description = new OpenAiProviderFactory().create(settings(true, Optional.of(new ApiKey(KEY)))).toString();
        assertTrue(description.contains("https://api.openai.com/v1/chat/completions"), description);
        assertFalse(description.contains("sk-test-"), description);
    }
}
