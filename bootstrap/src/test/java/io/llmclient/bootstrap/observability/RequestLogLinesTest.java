package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.bootstrap.CapturedLogs;
import io.llmclient.bootstrap.LlmClientServer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Contract section 8: one JSON line per request, whatever surface it came through and however it ended. */
class RequestLogLinesTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyRequestLeavesExactlyOneJsonLineWithTheContractFields() throws Exception {
        var lines = new ArrayList<JsonNode>();
        try (var server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl"), dir);
             var logs = CapturedLogs.capture()) {
            var client = new ServiceClient(server);
            client.rpc("llm.complete", """
                    {"model":"sim-fast","messages":[{"role":"user","content":"Hi"}],
                     "trace_id":"t-ok","source_agent":"planner","session_id":"s-1"}""");
            client.stream("""
                    {"tier":"balanced","messages":[{"role":"user","content":"Hi"}],"trace_id":"t-stream"}""");
            client.rpc("llm.complete", """
                    {"model":"gpt-5","messages":[{"role":"user","content":"Hi"}],"trace_id":"t-refused"}""");
            client.rpc("llm.complete", """
                    {"messages":[],"trace_id":"t-invalid"}""");
            client.openAiCompletion("""
                    {"model":"sim-premium","messages":[{"role":"user","content":"Hi"}]}""",
                    "X-Trace-Id", "t-openai", "X-Source-Agent", "coder");
            for (String line : logs.lines()) {
                JsonNode json = JSON.readTree(line);
                if (json.path("logger").asText().equals("io.llmclient.request")) {
                    lines.add(json);
                }
            }
        }

        Map<String, JsonNode> byTrace = new HashMap<>();
        for (JsonNode line : lines) {
            assertTrue(byTrace.put(line.path("trace_id").asText(), line) == null, "two lines for " + line);
        }
        assertEquals(List.of("t-invalid", "t-ok", "t-openai", "t-refused", "t-stream"),
                byTrace.keySet().stream().sorted().toList());

        JsonNode ok = byTrace.get("t-ok");
        assertEquals("INFO", ok.path("level").asText());
        assertEquals("planner", ok.path("source_agent").asText());
        assertEquals("s-1", ok.path("session_id").asText());
        assertEquals("sim-fast", ok.path("model").asText());
        assertEquals("simulator", ok.path("provider").asText());
        assertTrue(ok.path("latency_ms").isIntegralNumber());
        assertEquals("success", ok.path("status").asText());
        assertTrue(ok.hasNonNull("timestamp") && ok.hasNonNull("message"));

        assertEquals("sim-balanced", byTrace.get("t-stream").path("model").asText());
        assertEquals("stream", byTrace.get("t-stream").path("operation").asText());
        assertEquals("error", byTrace.get("t-refused").path("status").asText());
        assertEquals("ModelNotAllowedError", byTrace.get("t-refused").path("error_type").asText());
        assertEquals("gpt-5", byTrace.get("t-refused").path("model").asText());
        assertEquals("InvalidParams", byTrace.get("t-invalid").path("error_type").asText());
        assertEquals("coder", byTrace.get("t-openai").path("source_agent").asText());
        assertEquals("sim-premium", byTrace.get("t-openai").path("model").asText());
    }
}
