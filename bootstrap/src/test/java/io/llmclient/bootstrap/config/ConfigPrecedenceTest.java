package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigPrecedenceTest {
    @TempDir
    Path dir;

    private ServiceConfig read(Map<String, String> env) {
        return ServiceConfigReader.read(ConfigLayers.load(env, dir), dir, ShippedProviders.describedWith());
    }

    private void dotEnv(String... lines) throws IOException {
        Files.write(dir.resolve(".env"), List.of(lines));
    }

    private void configFile(String... lines) throws IOException {
        Files.write(dir.resolve("custom.yaml"), List.of(lines));
    }

    @Test
    void environmentWinsOverDotEnv() throws IOException {
        dotEnv("SERVER_PORT=7001");
        assertEquals(7000, read(Map.of("SERVER_PORT", "7000")).server().port());
    }

    @Test
    void dotEnvWinsOverTheConfigFile() throws IOException {
        dotEnv("SERVER_PORT=7001", "LLM_CONFIG_FILE=custom.yaml");
        configFile("SERVER_PORT: 7002");
        assertEquals(7001, read(Map.of()).server().port());
    }

    @Test
    void configFileWinsOverTheBundledYaml() throws IOException {
        configFile("llm:", "  tiers:", "    fast: [gemini-1.5-flash]");
        var config = read(Map.of("LLM_CONFIG_FILE", "custom.yaml"));
        assertEquals(List.of("gemini-1.5-flash"), config.policy().tiers().get(ModelTier.FAST));
    }

    @Test
    void bundledYamlGivesWhatNoStrongerSourceSays() throws IOException {
        configFile("llm:", "  tiers:", "    fast: [gemini-1.5-flash]");
        var config = read(Map.of("LLM_CONFIG_FILE", "custom.yaml"));
        assertEquals(List.of("gpt-5-mini", "claude-sonnet-4-5", "claude-3-5-sonnet", "gemini-2.5-flash",
                        "gemini-2.0-flash-exp"), config.policy().tiers().get(ModelTier.BALANCED));
        assertEquals(17, config.policy().catalog().size());
    }

    @Test
    void aListInTheConfigFileReplacesTheBundledListWhole() throws IOException {
        configFile("llm:", "  catalog:", "    - {id: only-one, provider: openai, tier: fast, provider-model: o-2025}");
        var catalog = read(Map.of("LLM_CONFIG_FILE", "custom.yaml")).policy().catalog();
        assertEquals(1, catalog.size());
        assertEquals("o-2025", catalog.getFirst().providerModel());
    }

    @Test
    void configFileFlatKeysApplyWhenNothingStrongerSetsThem() throws IOException {
        configFile("SERVER_PORT: 7002");
        assertEquals(7002, read(Map.of("LLM_CONFIG_FILE", "custom.yaml")).server().port());
    }

    @Test
    void everyKeyHasItsContractDefault() {
        var config = read(Map.of());
        assertEquals(new ServiceConfig.ServerSettings("127.0.0.1", 8080), config.server());
        assertEquals(List.of("gpt-4.1-mini", "gpt-5-mini", "claude-3-5-haiku-20241022", "gemini-1.5-flash"),
                config.governance().allowedModels());
        assertEquals("gpt-4.1-mini", config.governance().defaultModel());
        assertEquals(new ServiceConfig.RetrySettings(3, 5, java.time.Duration.ofSeconds(1), 2.0,
                java.time.Duration.ofSeconds(32)), config.retry());
        assertEquals(100, config.rateLimit().queueSize());
        assertEquals(new ServiceConfig.CircuitSettings(5, java.time.Duration.ofSeconds(30)), config.circuit());
        assertEquals(1_048_576L, config.limits().maxRequestBytes());
        assertEquals(dir.resolve("logs/governance-audit.jsonl"), config.auditLogFile());
        assertEquals(List.of(), config.inboundAuth().keys());
        var openai = config.providerSettings(ProviderId.OPENAI);
        assertEquals("https://api.openai.com/v1", openai.baseUrl().orElseThrow().toString());
        assertEquals(java.time.Duration.ofSeconds(60), openai.requestTimeout());
        assertEquals(java.time.Duration.ofSeconds(10), openai.connectTimeout());
        assertEquals("https://api.anthropic.com",
                config.providerSettings(ProviderId.ANTHROPIC).baseUrl().orElseThrow().toString());
        assertEquals("https://generativelanguage.googleapis.com",
                config.providerSettings(ProviderId.GEMINI).baseUrl().orElseThrow().toString());
    }
}
