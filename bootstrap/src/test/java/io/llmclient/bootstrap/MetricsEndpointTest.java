package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.failure.LlmFailureException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The contract's series and labels, as scraped from {@code GET /metrics} after real calls. */
class MetricsEndpointTest {
    @TempDir
    Path dir;

    @Test
    void callsAndRefusalsShowUpAsTheContractsPrometheusSeries() throws Exception {
        Files.writeString(dir.resolve("testprov.yaml"), """
                llm:
                  catalog:
                    - {id: test-model, provider: testprov, tier: fast}
                    - {id: gpt-5, provider: openai, tier: premium}
                  tiers: {fast: [test-model], balanced: [test-model], premium: [test-model]}
                """);
        var env = Map.of("SERVER_PORT", "0", "LLM_CONFIG_FILE", "testprov.yaml", "ALLOWED_MODELS", "test-model",
                "LLM_DEFAULT_MODEL", "test-model", "LLM_SIMULATOR_ENABLED", "false",
                "TESTPROV_API_KEY", "tp-key-123456789", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_RETRY_INITIAL_DELAY", "0");
        try (var server = LlmClientServer.start(env, dir, List.of(new TestProviderFactory()))) {
            var context = new A2aContext("t-1", Optional.of("planner"), Optional.empty());
            server.service().complete(Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))), context);
            server.service().stream(server.service().prepare(
                    Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))), context), event -> { });
            assertThrows(LlmFailureException.class, () -> server.service()
                    .complete(Map.of("messages", List.of(Map.of("role", "user", "content", "fail"))), context));
            for (String refused : List.of("gpt-5", "made-up-model")) {
                assertThrows(LlmFailureException.class, () -> server.service().complete(Map.of("model", refused,
                        "messages", List.of(Map.of("role", "user", "content", "hi"))), context));
            }

            String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            // The 0.0.4 text format may end a label set with ",}"; compare without it.
            List<String> lines = Arrays.stream(body.split("\n")).map(line -> line.replace(",}", "}")).toList();

            assertSeries(lines, "llm_requests_total{model=\"test-model\",provider=\"testprov\",scope=\"application\",status=\"success\"} 2.0");
            assertSeries(lines, "llm_requests_total{model=\"test-model\",provider=\"testprov\",scope=\"application\",status=\"error\"} 1.0");
            assertSeries(lines, "llm_tokens_total{model=\"test-model\",provider=\"testprov\",scope=\"application\",token_type=\"prompt\"} 10.0");
            assertSeries(lines, "llm_tokens_total{model=\"test-model\",provider=\"testprov\",scope=\"application\",token_type=\"completion\"} 6.0");
            assertSeries(lines, "llm_errors_total{error_type=\"ProviderError\",model=\"test-model\",provider=\"testprov\",scope=\"application\"} 1.0");
            // The 503 was retried LLM_MAX_RETRIES (3) times, without waiting (initial delay 0).
            assertSeries(lines, "llm_retries_total{provider=\"testprov\",reason=\"server_error\",scope=\"application\"} 3.0");
            assertSeries(lines, "llm_active_requests{provider=\"testprov\",scope=\"application\"} 0.0");
            assertSeries(lines, "llm_requests_duration_seconds_count{model=\"test-model\",provider=\"testprov\",scope=\"application\"} 3.0");
            assertSeries(lines, "# TYPE llm_requests_duration_seconds histogram");
            assertSeries(lines, "llm_requests_duration_seconds_bucket{model=\"test-model\",provider=\"testprov\",scope=\"application\",le=\"+Inf\"} 3.0");
            assertSeries(lines, "llm_time_to_first_token_seconds_count{model=\"test-model\",provider=\"testprov\",scope=\"application\"} 1.0");
            assertTrue(lines.stream().noneMatch(line -> line.contains("quantile=")), "no quantile samples:\n" + body);
            assertSeries(lines, "llm_governance_violations_total{model=\"gpt-5\",scope=\"application\",source_agent=\"planner\"} 1.0");
            assertSeries(lines, "llm_governance_violations_total{model=\"other\",scope=\"application\",source_agent=\"planner\"} 1.0");
        }
    }

    private static void assertSeries(List<String> lines, String expected) {
        assertTrue(lines.contains(expected), () -> "missing " + expected + " in:\n"
                + String.join("\n", lines.stream().filter(line -> line.startsWith("llm_")).toList()));
    }
}
