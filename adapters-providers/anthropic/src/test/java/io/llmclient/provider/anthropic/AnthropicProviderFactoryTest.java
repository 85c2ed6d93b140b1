package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ProviderId;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class AnthropicProviderFactoryTest {
    private static final String KEY = "sk-ant-" + "test-canary-factorytestkey0123456789-ABCD";

    private static LlmProvider create(boolean enabled, Optional<ApiKey> key, Map<String, String> options) {
        return new AnthropicProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.ANTHROPIC)
                .enabled(enabled).apiKey(key).connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(5)).options(options).build());
    }

    @Test
    void theFactoryIsFoundThroughServiceLoader() {
        List<ProviderId> ids = ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(provider -> provider.get().id())
                .toList();
        // Once, whatever else the class path holds (a targeted build puts application's test factory on it).
        assertEquals(1, java.util.Collections.frequency(ids, ProviderId.ANTHROPIC), ids::toString);
    }

    @Test
    void withAKeyTheProviderIsAvailable() {
        assertEquals(Availability.up(), create(true, Optional.of(new ApiKey(KEY)), Map.of()).availability());
    }

    @Test
    void withoutAKeyTheProviderIsUnavailableAndSaysWhichVariableIsMissing() {
        assertEquals(Availability.down("no API key (ANTHROPIC_API_KEY)"),
                create(true, Optional.empty(), Map.of()).availability());
    }

    @Test
    void aSwitchedOffProviderIsUnavailable() {
        assertEquals(Availability.down("switched off by configuration"),
                create(false, Optional.of(new ApiKey(KEY)), Map.of()).availability());
    }

    @Test
    void withoutABaseUrlTheProviderTalksToApiAnthropicCom() {
        assertEquals("HttpProvider[anthropic, https://api.anthropic.com/v1/messages, key ****ABCD]",
                create(true, Optional.of(new ApiKey(KEY)), Map.of()).toString());
    }

    @Test
    void theProviderNeverShowsItsKey() {
        String shown = create(true, Optional.of(new ApiKey(KEY)), Map.of()).toString();
        assertFalse(shown.contains("factorytest"), shown);
    }

    @Test
    void aBrokenMaxTokensOptionIsRefusedWhenTheProviderIsBuilt() {
        var refused = assertThrows(IllegalArgumentException.class,
                () -> create(true, Optional.of(new ApiKey(KEY)), Map.of("default_max_tokens", "lots")));
        assertEquals("anthropic option default_max_tokens must be a whole number > 0, got 'lots'", refused.getMessage());
    }
}
