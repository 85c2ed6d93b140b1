package io.llmclient.bootstrap.governance;

import static io.llmclient.bootstrap.governance.GovernanceWire.entry;
import static io.llmclient.bootstrap.governance.GovernanceWire.key;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.openai.client.OpenAIClient;
import com.openai.client.okhttp.OpenAIOkHttpClient;
import com.openai.errors.RateLimitException;
import com.openai.models.chat.completions.ChatCompletionCreateParams;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.bootstrap.observability.Scrape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The official OpenAI Java SDK (4.101), with its default retries (2), against per-caller refusals.
 * The SDK retries a 429 unless {@code x-should-retry: false}, waiting {@code Retry-After} clamped to
 * at most 8 s. So an rpm refusal (Retry-After near 60 s) reaches the service three times, about 16 s
 * apart in all, before the SDK gives up with a {@link RateLimitException}; a budget refusal exactly once.
 */
class GovernanceSdkTest {
    @TempDir
    static Path dir;
    private static RunningServer server;

    @BeforeAll
    static void start() throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), "llm:\n"
                + "  prices:\n    sim-fast: {input: 0.10, output: 0.40}\n"
                + "  keys:\n"
                + entry("sdk-rpm") + "      rpm: 1\n"
                + entry("sdk-budget") + "      models: [sim-fast]\n      budget: {usd: 0.000000001, period: daily}\n");
        server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_CONFIG_FILE", "policy.yaml",
                "LLM_AUDIT_LOG_FILE", "audit.jsonl"), dir);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static OpenAIClient sdk(String keyId) {
        return OpenAIOkHttpClient.builder().baseUrl("http://127.0.0.1:" + server.port() + "/v1")
                .apiKey(key(keyId)).build();
    }

    private static ChatCompletionCreateParams question() {
        return ChatCompletionCreateParams.builder().model("sim-fast").addUserMessage("Hi").maxCompletionTokens(2)
                .build();
    }

    @Test
    void aQuotaRefusalIsARateLimitExceptionAfterTheSdksRetries() {
        OpenAIClient client = sdk("sdk-rpm");
        try {
            client.chat().completions().create(question());
            RateLimitException refused = assertThrows(RateLimitException.class,
                    () -> client.chat().completions().create(question()));
            assertEquals(429, refused.statusCode());
            assertEquals(3.0, Scrape.of(server).counter("llm_quota_rejections_total",
                    Map.of("principal", "sdk-rpm", "limit", "rpm")), "the first try and two retries");
        } finally {
            client.close();
        }
    }

    @Test
    void aBudgetRefusalIsARateLimitExceptionThatTheSdkDoesNotRetry() {
        OpenAIClient client = sdk("sdk-budget");
        try {
            client.chat().completions().create(question());
            RateLimitException refused = assertThrows(RateLimitException.class,
                    () -> client.chat().completions().create(question()));
            assertEquals(429, refused.statusCode());
            assertEquals(1.0, Scrape.of(server).counter("llm_quota_rejections_total",
                    Map.of("principal", "sdk-budget", "limit", "budget")), "x-should-retry: false is obeyed");
        } finally {
            client.close();
        }
    }
}
