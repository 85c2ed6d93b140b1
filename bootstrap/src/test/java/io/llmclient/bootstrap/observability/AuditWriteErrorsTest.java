package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 7: an audit trail whose writes fail after start-up (a full disk) is visible:
 * counted in {@code llm_audit_write_errors_total}, shown DOWN by {@code /health}'s {@code audit}
 * check, while the service keeps answering, the refusal included.
 */
class AuditWriteErrorsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COUNTER = "llm_audit_write_errors_total";

    @TempDir
    Path dir;

    @Test
    void aFailingAuditWriteIsCountedAndShownInHealthWhileRequestsAreStillAnswered() throws Exception {
        // /dev/full opens like a file and refuses every write with ENOSPC. Named through a link in
        // the test's directory: should the trail ever try to roll it over, the link moves, not the
        // device (the tests may run as root).
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs Linux's /dev/full");
        Files.createSymbolicLink(dir.resolve("audit.jsonl"), Path.of("/dev/full"));
        var env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl");
        try (var server = LlmClientServer.start(env, dir)) {
            var client = new ServiceClient(server);
            Scrape before = Scrape.of(server);
            assertTrue(before.family(COUNTER).isPresent(), "registered from start-up on");
            assertEquals(0.0, before.counter(COUNTER, Map.of()));
            assertEquals("UP", auditCheck(server).path("status").asText());

            JsonNode refusal = client.rpc("llm.complete", """
                    {"model":"gpt-5","messages":[{"role":"user","content":"Hi"}]}""");

            assertEquals(-32001, refusal.at("/error/code").asInt(), refusal.toString());
            assertEquals("ModelNotAllowedError", refusal.at("/error/data/type").asText());
            assertEquals(1.0, Scrape.of(server).counter(COUNTER, Map.of()));
            HttpResponse<String> health = health(server);
            assertEquals(200, health.statusCode(), "the server still serves");
            assertEquals("UP", JSON.readTree(health.body()).path("status").asText());
            assertEquals(JSON.readTree("""
                    {"name":"audit","status":"DOWN",
                     "data":{"available":false,"reason":"the last write failed: No space left on device"}}"""),
                    auditCheck(server));
            assertEquals("stop", client.rpc("llm.complete", """
                    {"model":"sim-fast","messages":[{"role":"user","content":"Hi"}]}""")
                    .at("/result/finish_reason").asText(), "other requests are served as before");
        }
    }

    private static JsonNode auditCheck(RunningServer server) throws Exception {
        for (JsonNode check : JSON.readTree(health(server).body()).path("checks")) {
            if (check.path("name").asText().equals("audit")) {
                return check;
            }
        }
        throw new AssertionError("no audit check in /health");
    }

    private static HttpResponse<String> health(RunningServer server) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString());
    }
}
