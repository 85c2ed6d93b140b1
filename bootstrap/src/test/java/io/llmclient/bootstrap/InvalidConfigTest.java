package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Each broken value stops start-up with one line naming the key and the rule. */
class InvalidConfigTest {
    @TempDir
    Path dir;

    private String failureOf(Map<String, String> env) {
        var failure = assertThrows(StartupFailure.class, () -> LlmClientServer.start(env, dir).stop());
        assertFalse(failure.getMessage().contains("\n"), "one line: " + failure.getMessage());
        return failure.getMessage();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(delimiter = '|', textBlock = """
            LLM_REQUEST_TIMEOUT           | 0        | LLM_REQUEST_TIMEOUT: must be a number of seconds > 0, got "0"
            LLM_REQUEST_TIMEOUT           | -2       | LLM_REQUEST_TIMEOUT: must be a number of seconds > 0, got "-2"
            LLM_REQUEST_TIMEOUT           | abc      | LLM_REQUEST_TIMEOUT: must be a number of seconds > 0, got "abc"
            LLM_CONNECT_TIMEOUT           | 0        | LLM_CONNECT_TIMEOUT: must be a number of seconds > 0, got "0"
            LLM_MAX_RETRIES               | -1       | LLM_MAX_RETRIES: must be a whole number >= 0, got "-1"
            LLM_RATE_LIMIT_MAX_RETRIES    | 1.5      | LLM_RATE_LIMIT_MAX_RETRIES: must be a whole number >= 0, got "1.5"
            LLM_RETRY_INITIAL_DELAY       | -0.5     | LLM_RETRY_INITIAL_DELAY: must be a number of seconds >= 0, got "-0.5"
            LLM_RETRY_EXPONENTIAL_BASE    | 0.5      | LLM_RETRY_EXPONENTIAL_BASE: must be a number >= 1, got "0.5"
            LLM_RETRY_MAX_DELAY           | NaN      | LLM_RETRY_MAX_DELAY: must be a number of seconds >= 0, got "NaN"
            LLM_RATE_LIMIT_QUEUE_SIZE     | -1       | LLM_RATE_LIMIT_QUEUE_SIZE: must be a whole number >= 0, got "-1"
            SERVER_PORT                   | 70000    | SERVER_PORT: must be a port number 0..65535 (0 = any free port), got "70000"
            SERVER_PORT                   | http     | SERVER_PORT: must be a port number 0..65535 (0 = any free port), got "http"
            SERVER_HOST                   | no-such-host.invalid | SERVER_HOST: must be an IP address or a host name that resolves, got "no-such-host.invalid"
            LLM_MAX_REQUEST_BYTES         | 0        | LLM_MAX_REQUEST_BYTES: must be a whole number > 0, got "0"
            LLM_SIMULATOR_ENABLED         | maybe    | LLM_SIMULATOR_ENABLED: must be true or false, got "maybe"
            LLM_SIMULATOR_TTFT_MS         | -5       | LLM_SIMULATOR_TTFT_MS: must be a whole number >= 0, got "-5"
            LLM_SIMULATOR_INTER_TOKEN_MS  | x        | LLM_SIMULATOR_INTER_TOKEN_MS: must be a whole number >= 0, got "x"
            LLM_CIRCUIT_FAILURE_THRESHOLD | 0        | LLM_CIRCUIT_FAILURE_THRESHOLD: must be a whole number >= 1, got "0"
            LLM_CIRCUIT_OPEN_SECONDS      | 0        | LLM_CIRCUIT_OPEN_SECONDS: must be a number of seconds > 0, got "0"
            OPENAI_BASE_URL               | ftp://x  | OPENAI_BASE_URL: must be an absolute http or https URL, got "ftp://x"
            ANTHROPIC_BASE_URL            | /v1      | ANTHROPIC_BASE_URL: must be an absolute http or https URL, got "/v1"
            LLM_CONFIG_FILE               | gone.yml | LLM_CONFIG_FILE: must name a readable YAML file, got "gone.yml"
            LLM_MAX_MESSAGES              | 0        | LLM_MAX_MESSAGES: must be a whole number >= 1, got "0"
            LLM_MAX_HEADER_BYTES          | 100      | LLM_MAX_HEADER_BYTES: must be a whole number >= 1024, got "100"
            LLM_MAX_CONCURRENT_REQUESTS   | 0        | LLM_MAX_CONCURRENT_REQUESTS: must be a whole number >= 1, got "0"
            LLM_MAX_RESPONSE_BYTES        | -1       | LLM_MAX_RESPONSE_BYTES: must be a whole number > 0, got "-1"
            LLM_ALLOW_INSECURE_HTTP       | perhaps  | LLM_ALLOW_INSECURE_HTTP: must be true or false, got "perhaps"
            OPENAI_BASE_URL               | http://api.openai.com/v1 | OPENAI_BASE_URL: plain http is allowed only to a loopback host: use https, or set LLM_ALLOW_INSECURE_HTTP=true, got "http://api.openai.com/v1"
            GEMINI_BASE_URL               | http://10.1.2.3:8080 | GEMINI_BASE_URL: plain http is allowed only to a loopback host: use https, or set LLM_ALLOW_INSECURE_HTTP=true, got "http://10.1.2.3:8080"
            LLM_STATE_TIMEOUT             | 0        | LLM_STATE_TIMEOUT: must be a number of seconds > 0, got "0"
            LLM_STATE_FAILURE_MODE        | ajar     | LLM_STATE_FAILURE_MODE: must be open or closed, got "ajar"
            LLM_STATE_URL                 | redis://localhost | LLM_STATE_URL: a Redis URL names its host and port: redis://host:6379
            LLM_STATE_URL                 | redis://localhost:6379/zero | LLM_STATE_URL: a Redis URL's path is the database number, such as /0, not '/zero'
            LLM_STATE_URL                 | https://localhost:6379 | LLM_STATE_URL: a Redis URL starts with redis:// or rediss://, not 'https://'
            """)
    void brokenValueStopsStartUpWithOneLineNamingKeyAndRule(String key, String value, String line) {
        assertEquals(line, failureOf(Map.of(key, value)));
    }

    @Test
    void aMissingStateCaFileStopsStartUpNamingItsKey() {
        assertTrue(failureOf(Map.of("LLM_STATE_CA_FILE", "gone.pem"))
                .startsWith("LLM_STATE_CA_FILE: must name a readable trust store file, got "));
    }

    @Test
    void theStateUrlsPasswordNeverAppearsInTheLineThatRefusesIt() {
        String line = failureOf(Map.of("LLM_STATE_URL", "redis://default:canary-state-password@localhost:6379/x1"));
        assertEquals("LLM_STATE_URL: a Redis URL's path is the database number, such as /0, not '/x1'", line);
        assertFalse(line.contains("canary-state-password"), line);
    }

    @Test
    void defaultModelThatIsNotAllowedStopsStartUp() {
        // No key is set, so the simulator is on and its models count as allowed (contract section 9).
        assertEquals("LLM_DEFAULT_MODEL: 'gpt-5' must be one of ALLOWED_MODELS "
                        + "[gpt-4.1-mini, gpt-5-mini, claude-3-5-haiku-20241022, gemini-1.5-flash, "
                        + "sim-fast, sim-balanced, sim-premium]",
                failureOf(Map.of("LLM_DEFAULT_MODEL", "gpt-5")));
    }

    @Test
    void catalogNamingAnUnknownProviderStopsStartUp() throws IOException {
        Files.writeString(dir.resolve("typo.yaml"), """
                llm:
                  catalog:
                    - {id: gpt-4.1-mini, provider: opnai, tier: fast}
                  tiers: {fast: [gpt-4.1-mini], balanced: [gpt-4.1-mini], premium: [gpt-4.1-mini]}
                """);
        assertTrue(failureOf(Map.of("LLM_CONFIG_FILE", "typo.yaml"))
                .startsWith("llm.catalog.gpt-4.1-mini.provider: provider 'opnai' does not exist"));
    }

    @Test
    void catalogEntryWithUnknownTierStopsStartUp() throws IOException {
        Files.writeString(dir.resolve("tier.yaml"), """
                llm:
                  catalog:
                    - {id: gpt-4.1-mini, provider: openai, tier: turbo}
                """);
        assertEquals("llm.catalog[0].tier: must be one of fast, balanced, premium, got \"turbo\"",
                failureOf(Map.of("LLM_CONFIG_FILE", "tier.yaml")));
    }

    @Test
    void configFileThatIsNotYamlStopsStartUp() throws IOException {
        Files.writeString(dir.resolve("broken.yaml"), "llm: [unclosed\n  - : :");
        assertEquals("LLM_CONFIG_FILE: must name a readable YAML file (it could not be parsed)",
                failureOf(Map.of("LLM_CONFIG_FILE", "broken.yaml")));
    }

    @Test
    void brokenValueInDotEnvIsReportedLikeOneFromTheEnvironment() throws IOException {
        Files.writeString(dir.resolve(".env"), "LLM_MAX_RETRIES=-3\n");
        assertEquals("LLM_MAX_RETRIES: must be a whole number >= 0, got \"-3\"", failureOf(Map.of()));
    }

    @Test
    void valueHoldingPartOfAnApiKeyIsNotEchoed() {
        String key = "sk-" + "test-canary-0123456789abcdefghijABCD";
        assertEquals("OPENAI_BASE_URL: must be an absolute http or https URL",
                failureOf(Map.of("OPENAI_API_KEY", key, "OPENAI_BASE_URL", key.substring(3, 20))));
    }
}
