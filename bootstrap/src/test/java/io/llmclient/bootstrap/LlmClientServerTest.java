package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LlmClientServerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private HttpResponse<String> get(RunningServer server, String path) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private RunningServer startWithTestProvider(Map<String, String> env) throws IOException {
        Files.writeString(dir.resolve("testprov.yaml"), """
                llm:
                  catalog:
                    - {id: test-model, provider: testprov, tier: fast}
                    - {id: gpt-4.1-mini, provider: openai, tier: fast}
                  tiers: {fast: [test-model], balanced: [test-model], premium: [test-model]}
                """);
        var all = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_CONFIG_FILE", "testprov.yaml",
                "ALLOWED_MODELS", "test-model,gpt-4.1-mini", "LLM_DEFAULT_MODEL", "test-model",
                "LLM_SIMULATOR_ENABLED", "false", "LLM_AUDIT_LOG_FILE", "audit/violations.jsonl"));
        all.putAll(env);
        return LlmClientServer.start(all, dir, List.of(new TestProviderFactory()));
    }

    @Test
    void portZeroBindsAFreePortAndLogsItThenAnswersHealthThere() throws Exception {
        try (var logs = CapturedLogs.capture();
             var server = LlmClientServer.start(Map.of("SERVER_PORT", "0"), dir, List.of())) {
            assertTrue(logs.lines().stream().map(this::json)
                    .anyMatch(line -> line.path("message").asText().equals("listening on port " + server.port())));
            assertEquals(200, get(server, "/health").statusCode());
        }
    }

    @Test
    void healthIsUpWithOneCheckPerProviderEvenWhenProvidersAreDown() throws Exception {
        try (var server = startWithTestProvider(Map.of("TESTPROV_API_KEY", "tp-key-123456789"))) {
            var response = get(server, "/health");
            assertEquals(200, response.statusCode());
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
            assertEquals(JSON.readTree("""
                    {"status":"UP","checks":[
                      {"name":"testprov","status":"UP","data":{"available":true,"reason":"ready"}},
                      {"name":"openai","status":"DOWN",
                       "data":{"available":false,"reason":"no provider module registers 'openai'"}},
                      {"name":"audit","status":"UP","data":{"available":true,"reason":"ready"}},
                      {"name":"state","status":"UP","data":{"available":true,
                       "reason":"in process (LLM_STATE_URL is not set)"}}]}
                    """), JSON.readTree(response.body()));
        }
    }

    @Test
    void pluginProviderWithoutItsKeyIsReportedDown() throws Exception {
        try (var server = startWithTestProvider(Map.of())) {
            JsonNode check = JSON.readTree(get(server, "/health").body()).path("checks").get(0);
            assertEquals("DOWN", check.path("status").asText());
            assertEquals("no TESTPROV_API_KEY", check.path("data").path("reason").asText());
        }
    }

    @Test
    void unknownRouteIs404() throws Exception {
        try (var server = LlmClientServer.start(Map.of("SERVER_PORT", "0"), dir, List.of())) {
            assertEquals(404, get(server, "/nope").statusCode());
        }
    }

    @Test
    void helidonsOwnObservePathsAreNotExposed() throws Exception {
        try (var server = LlmClientServer.start(Map.of("SERVER_PORT", "0"), dir, List.of())) {
            assertEquals(404, get(server, "/observe/health").statusCode());
            assertEquals(404, get(server, "/observe/metrics").statusCode());
        }
    }

    @Test
    void startupNoticesAreLoggedOnceAsWarnings() throws Exception {
        try (var logs = CapturedLogs.capture()) {
            LlmClientServer.start(Map.of("SERVER_PORT", "0"), dir).stop();
            long fallbackNotices = logs.lines().stream().map(this::json)
                    .filter(line -> line.path("level").asText().equals("WARN"))
                    .filter(line -> line.path("message").asText().contains("the default is now sim-fast"))
                    .count();
            assertEquals(1, fallbackNotices);
        }
    }

    private JsonNode json(String line) {
        try {
            return JSON.readTree(line);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + line, e);
        }
    }
}
