package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged jar as an operator would and reads what it prints: the only way to see
 * every line on stdout and stderr, and the exit code.
 */
class ServiceJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    @TempDir
    Path dir;

    private final String key = randomKey();

    private static String randomKey() {
        var random = new SecureRandom();
        var key = new StringBuilder("sk-test-");
        for (int i = 0; i < 40; i++) {
            key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return key.toString();
    }

    @Test
    void apiKeyNeverAppearsInLogsHealthOrMetrics() throws Exception {
        ServiceProcess service = ServiceProcess.start(dir, Map.of("OPENAI_API_KEY", key, "SERVER_PORT", "0"));
        Process process = service.process;
        var stdout = service.stdout;
        var stderr = service.stderr;
        int port = service.awaitPort();
        var bodies = new ArrayList<String>();
        var http = HttpClient.newHttpClient();
        for (String path : List.of("/health", "/metrics", "/nope")) {
            bodies.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                    HttpResponse.BodyHandlers.ofString()).body());
        }
        bodies.add(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/jsonrpc"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"llm.models\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()).body());
        // SIGTERM through the handle: Process.destroy() would also close our end of stdout
        // before the shutdown lines are read.
        process.toHandle().destroy();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stops on SIGTERM");

        assertTrue(bodies.getFirst().contains("\"status\":\"UP\""), bodies.getFirst());
        List<String> out = stdout.all();
        assertTrue(out.size() > 3, "start-up was logged: " + out);
        for (String line : out) {
            assertTrue(JSON.readTree(line).isObject(), "stdout line is JSON: " + line);
        }
        assertEquals(List.of(), stderr.all());
        assertNoLeak(out);
        assertNoLeak(bodies);
    }

    @Test
    void anAcknowledgedGovernanceViolationSurvivesAKillOfTheProcess() throws Exception {
        ServiceProcess service = ServiceProcess.start(dir, Map.of("SERVER_PORT", "0",
                "LLM_AUDIT_LOG_FILE", "audit/trail.jsonl"));
        Process process = service.process;
        int port = service.awaitPort();
        String reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/jsonrpc"))
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-5",
                         "messages":[{"role":"user","content":"Hi"}],"trace_id":"t-crash","source_agent":"a"}}"""))
                .build(), HttpResponse.BodyHandlers.ofString()).body();
        assertEquals(-32001, JSON.readTree(reply).at("/error/code").asInt(), reply);

        // SIGKILL: no shutdown hook, no close, no flush at exit.
        process.toHandle().destroyForcibly();
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        List<String> trail = Files.readAllLines(dir.resolve("audit/trail.jsonl"));
        assertEquals(1, trail.size(), trail.toString());
        assertEquals("t-crash", JSON.readTree(trail.getFirst()).path("trace_id").asText());
        assertEquals("gpt-5", JSON.readTree(trail.getFirst()).path("attempted_model").asText());
    }

    @Test
    void invalidConfigExitsWithTwoAndOneLineThatHoldsNoKey() throws Exception {
        ServiceProcess service = ServiceProcess.start(dir, Map.of("OPENAI_API_KEY", key,
                "OPENAI_BASE_URL", "not a url"));
        Process process = service.process;
        var stdout = service.stdout;
        var stderr = service.stderr;
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals(2, process.exitValue());
        assertEquals(List.of("OPENAI_BASE_URL: must be an absolute http or https URL, got \"not a url\""), stderr.all());
        assertNoLeak(stdout.all());
    }

    @Test
    void keyPastedIntoAnotherSettingIsNotEchoedInTheErrorLine() throws Exception {
        Files.writeString(dir.resolve(".env"), "OPENAI_API_KEY=" + key + "\nOPENAI_BASE_URL=" + key + "\n");
        ServiceProcess service = ServiceProcess.start(dir, Map.of());
        Process process = service.process;
        var stdout = service.stdout;
        var stderr = service.stderr;
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals(2, process.exitValue());
        List<String> err = stderr.all();
        assertEquals(List.of("OPENAI_BASE_URL: must be an absolute http or https URL"), err);
        assertNoLeak(err);
        assertNoLeak(stdout.all());
    }

    // No run of 8 or more characters of the key other than within its last 4 (contract section 9).
    private void assertNoLeak(List<String> texts) {
        for (String text : texts) {
            for (int start = 0; start + 8 <= key.length(); start++) {
                String run = key.substring(start, start + 8);
                assertFalse(text.contains(run), "key fragment '" + run + "' leaked in: " + text);
            }
        }
    }
}
