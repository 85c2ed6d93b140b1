package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts the packaged jar as an operator would and reads what it prints: the only way to see
 * every line on stdout and stderr, and the exit code.
 */
class ServiceJarIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern LISTENING = Pattern.compile("listening on port (\\d+)");
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
        Process process = launch(Map.of("OPENAI_API_KEY", key, "SERVER_PORT", "0"));
        var stdout = drain(process.getInputStream());
        var stderr = drain(process.getErrorStream());
        int port = awaitPort(stdout);
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
        Process process = launch(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit/trail.jsonl"));
        var stdout = drain(process.getInputStream());
        drain(process.getErrorStream());
        int port = awaitPort(stdout);
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
        Process process = launch(Map.of("OPENAI_API_KEY", key, "OPENAI_BASE_URL", "not a url"));
        var stdout = drain(process.getInputStream());
        var stderr = drain(process.getErrorStream());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals(2, process.exitValue());
        assertEquals(List.of("OPENAI_BASE_URL: must be an absolute http or https URL, got \"not a url\""), stderr.all());
        assertNoLeak(stdout.all());
    }

    @Test
    void keyPastedIntoAnotherSettingIsNotEchoedInTheErrorLine() throws Exception {
        Files.writeString(dir.resolve(".env"), "OPENAI_API_KEY=" + key + "\nOPENAI_BASE_URL=" + key + "\n");
        Process process = launch(Map.of());
        var stdout = drain(process.getInputStream());
        var stderr = drain(process.getErrorStream());
        assertTrue(process.waitFor(30, TimeUnit.SECONDS));

        assertEquals(2, process.exitValue());
        List<String> err = stderr.all();
        assertEquals(List.of("OPENAI_BASE_URL: must be an absolute http or https URL"), err);
        assertNoLeak(err);
        assertNoLeak(stdout.all());
    }

    private Process launch(Map<String, String> env) throws IOException {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        var builder = new ProcessBuilder(java, "-jar", System.getProperty("service.jar")).directory(dir.toFile());
        builder.environment().clear();
        builder.environment().put("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        builder.environment().putAll(env);
        return builder.start();
    }

    /** Reads a process stream line by line as it comes; {@link #all()} waits for its end. */
    private static final class Drained {
        private final List<String> lines = new CopyOnWriteArrayList<>();
        private final Thread reader;

        Drained(InputStream stream) {
            reader = Thread.ofPlatform().daemon().start(() -> {
                try (var in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line = in.readLine(); line != null; line = in.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException | UncheckedIOException e) {
                    lines.add("<stream read failed: " + e + ">");
                }
            });
        }

        List<String> soFar() {
            return List.copyOf(lines);
        }

        List<String> all() throws InterruptedException {
            reader.join(Duration.ofSeconds(30));
            return List.copyOf(lines);
        }
    }

    private static Drained drain(InputStream stream) {
        return new Drained(stream);
    }

    private static int awaitPort(Drained stdout) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            for (String line : stdout.soFar()) {
                Matcher matcher = LISTENING.matcher(line);
                if (matcher.find()) {
                    return Integer.parseInt(matcher.group(1));
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("no 'listening on port' line in: " + stdout.soFar());
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
