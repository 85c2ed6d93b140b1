package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.ProviderId;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderSettingsTest {
    @TempDir
    Path dir;

    private ServiceConfig read(Map<String, String> env, ProviderId... plugins) {
        return ServiceConfigReader.read(ConfigLayers.load(env, dir), dir, List.of(plugins));
    }

    @Test
    void simulatorIsOnWhenNoProviderKeyIsSet() {
        assertTrue(read(Map.of()).simulator().enabled());
    }

    @Test
    void simulatorIsOffWhenAProviderKeyIsSet() {
        assertFalse(read(Map.of("GOOGLE_API_KEY", "g-key-123456789")).simulator().enabled());
    }

    @Test
    void explicitSimulatorSwitchWinsOverTheKeyRule() {
        assertTrue(read(Map.of("GOOGLE_API_KEY", "g-key-123456789", "LLM_SIMULATOR_ENABLED", "true"))
                .simulator().enabled());
    }

    @Test
    void simulatorSettingsCarryItsDelaysAsOptions() {
        var settings = read(Map.of("LLM_SIMULATOR_TTFT_MS", "120", "LLM_SIMULATOR_INTER_TOKEN_MS", "15"))
                .providerSettings(ProviderId.SIMULATOR);
        assertTrue(settings.enabled());
        assertEquals(Map.of("ttft_ms", "120", "inter_token_ms", "15"), settings.options());
    }

    @Test
    void geminiReadsGoogleApiKeyAndGeminiBaseUrl() {
        var settings = read(Map.of("GOOGLE_API_KEY", "g-key-123456789", "GEMINI_BASE_URL", "http://localhost:9/g/"))
                .providerSettings(ProviderId.GEMINI);
        assertEquals("g-key-123456789", settings.apiKey().orElseThrow().value());
        assertEquals("http://localhost:9/g", settings.baseUrl().orElseThrow().toString());
    }

    @Test
    void pluginProviderReadsItsUpperCasedIdPrefixedKeys() {
        var id = new ProviderId("my-llm");
        var settings = read(Map.of("MY_LLM_API_KEY", "m-key-123456789", "MY_LLM_BASE_URL", "https://my.example"), id)
                .providerSettings(id);
        assertEquals("m-key-123456789", settings.apiKey().orElseThrow().value());
        assertEquals("https://my.example", settings.baseUrl().orElseThrow().toString());
    }

    @Test
    void timeoutsReachEveryProvider() {
        var settings = read(Map.of("LLM_REQUEST_TIMEOUT", "2.5", "LLM_CONNECT_TIMEOUT", "0.5"))
                .providerSettings(ProviderId.ANTHROPIC);
        assertEquals(Duration.ofMillis(2500), settings.requestTimeout());
        assertEquals(Duration.ofMillis(500), settings.connectTimeout());
    }

    @Test
    void blankKeyCountsAsUnset() {
        assertEquals(Optional.empty(), read(Map.of("OPENAI_API_KEY", "  ")).providerSettings(ProviderId.OPENAI).apiKey());
    }

    @Test
    void inboundKeysAreMaskedWhenPrinted() {
        var config = read(Map.of("LLM_INBOUND_API_KEYS", "inbound-secret-0001, inbound-secret-0002"));
        assertEquals(2, config.inboundAuth().keys().size());
        assertFalse(config.toString().contains("inbound-secret"));
    }
}
