package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderDescription.Activation;
import io.llmclient.application.provider.ProviderDescription.Option;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProviderSettingsTest {
    @TempDir
    Path dir;

    private ServiceConfig read(Map<String, String> env, ProviderId... plugins) {
        return ServiceConfigReader.read(ConfigLayers.load(env, dir), dir, ShippedProviders.describedWith(
                Arrays.stream(plugins).map(ProviderDescription::byConvention).toArray(ProviderDescription[]::new)));
    }

    private ServiceConfig readDescribed(Map<String, String> env, ProviderDescription... plugins) {
        return ServiceConfigReader.read(ConfigLayers.load(env, dir), dir, ShippedProviders.describedWith(plugins));
    }

    @Test
    void simulatorIsOnWhenNoProviderKeyIsSet() {
        assertTrue(read(Map.of()).offlineFallback());
    }

    @Test
    void simulatorIsOffWhenAProviderKeyIsSet() {
        assertFalse(read(Map.of("GOOGLE_API_KEY", "g-key-123456789")).offlineFallback());
    }

    @Test
    void explicitSimulatorSwitchWinsOverTheKeyRule() {
        assertTrue(read(Map.of("GOOGLE_API_KEY", "g-key-123456789", "LLM_SIMULATOR_ENABLED", "true"))
                .offlineFallback());
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

    @Test
    void eachShippedProviderTalksToItsOwnDefaultBaseUrlWhenNoneIsSet() {
        var config = read(Map.of());
        assertEquals("https://api.openai.com/v1",
                config.providerSettings(ProviderId.OPENAI).baseUrl().orElseThrow().toString());
        assertEquals("https://api.anthropic.com",
                config.providerSettings(ProviderId.ANTHROPIC).baseUrl().orElseThrow().toString());
        assertEquals("https://generativelanguage.googleapis.com",
                config.providerSettings(ProviderId.GEMINI).baseUrl().orElseThrow().toString());
        assertEquals(Optional.empty(), config.providerSettings(ProviderId.SIMULATOR).baseUrl());
    }

    @Test
    void aPluginIsReadFromTheKeyVariableAndDefaultBaseUrlItsDescriptionNames() {
        var id = new ProviderId("acme");
        var description = ProviderDescription.byConvention(id).withApiKeyVariable("ACME_TOKEN")
                .withDefaultBaseUrl(URI.create("https://api.acme.example/v2"));
        var settings = readDescribed(Map.of("ACME_TOKEN", "acme-test-key-123456789",
                "ACME_API_KEY", "acme-test-key-unread"), description).providerSettings(id);
        assertEquals("acme-test-key-123456789", settings.apiKey().orElseThrow().value());
        assertEquals("https://api.acme.example/v2", settings.baseUrl().orElseThrow().toString());
    }

    @Test
    void aDescribedBaseUrlVariableWinsOverTheDefault() {
        var id = new ProviderId("acme");
        var description = ProviderDescription.byConvention(id).withDefaultBaseUrl(URI.create("https://api.acme.example"));
        assertEquals("https://eu.acme.example", readDescribed(Map.of("ACME_BASE_URL", "https://eu.acme.example/"),
                description).providerSettings(id).baseUrl().orElseThrow().toString());
    }

    @Test
    void aPluginKeyLeavesTheSimulatorOnUnlessItsDescriptionSaysItEndsTheOfflineFallback() {
        var id = new ProviderId("acme");
        var env = Map.of("ACME_API_KEY", "acme-test-key-123456789");
        assertTrue(readDescribed(env, ProviderDescription.byConvention(id)).offlineFallback());
        assertFalse(readDescribed(env, ProviderDescription.byConvention(id)
                .withActivation(new Activation.WhenPresent(true))).offlineFallback());
    }

    @Test
    void aDescribedOptionIsReadFromItsVariableWithItsDefaultAndMinimum() {
        var id = new ProviderId("acme");
        var description = new ProviderDescription(id, Optional.empty(), Optional.empty(), Optional.empty(),
                new Activation.WhenPresent(false), List.of(new Option("depth", "ACME_DEPTH", 1, 3)));
        assertEquals(Map.of("depth", "3"), readDescribed(Map.of(), description).providerSettings(id).options());
        assertEquals(Map.of("depth", "7"),
                readDescribed(Map.of("ACME_DEPTH", "7"), description).providerSettings(id).options());
        assertEquals("ACME_DEPTH: must be a whole number >= 1, got \"0\"", assertThrows(InvalidConfigException.class,
                () -> readDescribed(Map.of("ACME_DEPTH", "0"), description)).getMessage());
    }

    @Test
    void aProviderDescribedWithoutKeyOrBaseUrlReadsNeither() {
        var id = new ProviderId("acme");
        var description = new ProviderDescription(id, Optional.empty(), Optional.empty(), Optional.empty(),
                new Activation.WhenPresent(false), List.of());
        var settings = readDescribed(Map.of("ACME_API_KEY", "acme-test-key-123456789", "ACME_BASE_URL", "ftp://x"),
                description).providerSettings(id);
        assertEquals(Optional.empty(), settings.apiKey());
        assertEquals(Optional.empty(), settings.baseUrl());
    }
}
