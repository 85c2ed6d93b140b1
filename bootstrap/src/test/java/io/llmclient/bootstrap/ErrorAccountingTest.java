package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.A2aContext;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: an Error inside a provider call (an OutOfMemoryError while an answer is read) still
 * ends the request in the books: the active-requests gauge comes back down and the request log
 * has its line, for a completion and for a stream alike.
 */
class ErrorAccountingTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ACTIVE = "llm_active_requests{provider=\"testprov\",scope=\"application\"}";

    @TempDir
    Path dir;

    private RunningServer start() throws Exception {
        Files.writeString(dir.resolve("testprov.yaml"), """
                llm:
                  catalog:
                    - {id: test-model, provider: testprov, tier: fast}
                  tiers: {fast: [test-model], balanced: [test-model], premium: [test-model]}
                """);
        return LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_CONFIG_FILE", "testprov.yaml",
                "ALLOWED_MODELS", "test-model", "LLM_DEFAULT_MODEL", "test-model", "LLM_SIMULATOR_ENABLED", "false",
                "TESTPROV_API_KEY", "tp-key-123456789", "LLM_AUDIT_LOG_FILE", "audit.jsonl"), dir,
                List.of(new TestProviderFactory()));
    }

    private static Map<String, Object> params(String content) {
        return Map.of("messages", List.of(Map.of("role", "user", "content", content)));
    }

    private static double activeRequests(RunningServer server) throws Exception {
        String body = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        return body.lines().map(line -> line.replace(",}", "}")).filter(line -> line.startsWith(ACTIVE + " "))
                .mapToDouble(line -> Double.parseDouble(line.substring(ACTIVE.length() + 1))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + ACTIVE + " in:\n" + body));
    }

    private static List<JsonNode> requestLines(CapturedLogs logs, String traceId) throws Exception {
        var lines = new ArrayList<JsonNode>();
        for (String line : logs.lines()) {
            JsonNode json = JSON.readTree(line);
            if (json.path("logger").asText().equals("io.llmclient.request")
                    && json.path("trace_id").asText().equals(traceId) && json.has("status")) {
                lines.add(json);
            }
        }
        return lines;
    }

    @Test
    void anOutOfMemoryErrorInACompletionLeavesNoActiveRequestAndWritesItsRequestLine() throws Exception {
        try (var server = start(); var logs = CapturedLogs.capture()) {
            assertThrows(OutOfMemoryError.class,
                    () -> server.service().complete(params("oom"), A2aContext.ofTrace("t-oom-complete")));

            assertEquals(0.0, activeRequests(server));
            List<JsonNode> lines = requestLines(logs, "t-oom-complete");
            assertEquals(1, lines.size(), () -> "one request line: " + logs.lines());
            assertEquals("error", lines.getFirst().path("status").asText());
            assertEquals("InternalError", lines.getFirst().path("error_type").asText());
        }
    }

    @Test
    void anOutOfMemoryErrorInAStreamLeavesNoActiveRequestAndWritesItsRequestLine() throws Exception {
        try (var server = start(); var logs = CapturedLogs.capture()) {
            var service = server.service();
            var prepared = service.prepare(params("oom"), A2aContext.ofTrace("t-oom-stream"));
            assertThrows(OutOfMemoryError.class, () -> service.stream(prepared, event -> { }));

            assertEquals(0.0, activeRequests(server));
            List<JsonNode> lines = requestLines(logs, "t-oom-stream");
            assertEquals(1, lines.size(), () -> "one request line: " + logs.lines());
            assertEquals("stream", lines.getFirst().path("operation").asText());
            assertTrue(lines.getFirst().path("status").asText().equals("error"), lines.getFirst()::toString);
        }
    }
}
