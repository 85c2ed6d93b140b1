package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 3: SIGTERM to a service process with streams in flight, as a rolling update
 * sends it. Before the drain, every stream was cut after Helidon's 0.5 s grace.
 */
class GracefulShutdownIT {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM = """
            {"jsonrpc":"2.0","id":7,"method":"llm.stream","params":{"messages":[{"role":"user","content":"Hi"}]}}""";
    private static final String OPENAI_STREAM = """
            {"model":"sim-fast","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";
    private static final String COMPLETE = """
            {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"messages":[{"role":"user","content":"Hi"}]}}""";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    private HttpRequest post(int port, String path, String body) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
    }

    /** Starts a stream and returns once its response has opened; the future completes with the whole body. */
    private CompletableFuture<String> openStream(int port, String path, String body) throws Exception {
        HttpResponse<InputStream> response = http.send(post(port, path, body), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, response.statusCode());
        return CompletableFuture.supplyAsync(() -> {
            try (InputStream in = response.body()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException cut) {
                return "<cut: " + cut + ">";
            }
        });
    }

    @Test
    void fiftyStreamsInFlightAtSigtermAllCompleteWhileNewWorkIsTurnedAway() throws Exception {
        ServiceProcess service = ServiceProcess.start(dir, Map.of("SERVER_PORT", "0",
                "LLM_SIMULATOR_INTER_TOKEN_MS", "60", "LLM_AUDIT_LOG_FILE", "audit.jsonl"));
        try {
            int port = service.awaitPort();
            var streams = new ArrayList<CompletableFuture<String>>();
            for (int i = 0; i < 50; i++) {
                streams.add(openStream(port, "/jsonrpc", STREAM));
            }

            service.sigterm();
            HttpResponse<String> ready = awaitReadyDown(port);
            HttpResponse<String> refused = http.send(post(port, "/jsonrpc", COMPLETE),
                    HttpResponse.BodyHandlers.ofString());
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();

            assertEquals("{\"status\":\"DOWN\"}", ready.body());
            assertTrue(metrics.lines().anyMatch(line -> line.matches("llm_ready(\\{[^}]*})? 0(\\.0)?")), metrics);
            assertEquals(503, refused.statusCode(), refused.body());
            JsonNode error = JSON.readTree(refused.body()).get("error");
            assertEquals(-32006, error.get("code").asInt());
            assertTrue(error.at("/data/draining").asBoolean(), refused.body());
            assertEquals("close", refused.headers().firstValue("Connection").orElse(""));
            for (CompletableFuture<String> stream : streams) {
                String body = stream.get(60, TimeUnit.SECONDS);
                assertTrue(body.contains("event: done"), body);
                assertFalse(body.contains("event: error"), body);
            }
            assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), "exits once drained");
            assertTrue(service.stdout.all().stream().anyMatch(line -> line.contains("drained: nothing in flight")));
        } finally {
            service.process.destroyForcibly();
        }
    }

    @Test
    void streamsStillRunningWhenTheGraceIsOverEndWithTheirSurfacesErrorEvent() throws Exception {
        ServiceProcess service = ServiceProcess.start(dir, Map.of("SERVER_PORT", "0",
                "LLM_SIMULATOR_INTER_TOKEN_MS", "500", "LLM_SHUTDOWN_GRACE", "1", "LLM_AUDIT_LOG_FILE", "audit.jsonl"));
        try {
            int port = service.awaitPort();
            CompletableFuture<String> jsonRpc = openStream(port, "/jsonrpc", STREAM);
            CompletableFuture<String> openAi = openStream(port, "/v1/chat/completions", OPENAI_STREAM);

            service.sigterm();

            String rpcBody = jsonRpc.get(30, TimeUnit.SECONDS);
            String lastEvent = rpcBody.substring(rpcBody.lastIndexOf("event: "));
            assertTrue(lastEvent.startsWith("event: error\ndata: "), rpcBody);
            JsonNode error = JSON.readTree(lastEvent.substring(lastEvent.indexOf("data: ") + 6).strip());
            assertEquals(7, error.get("id").asInt());
            assertEquals(-32006, error.at("/error/code").asInt());
            assertFalse(rpcBody.contains("event: done"), rpcBody);

            String openAiBody = openAi.get(30, TimeUnit.SECONDS);
            List<String> data = openAiBody.lines().filter(line -> line.startsWith("data: ")).toList();
            assertEquals("overloaded", JSON.readTree(data.getLast().substring(6)).at("/error/code").asText(),
                    openAiBody);
            assertFalse(openAiBody.contains("[DONE]"), openAiBody);
            assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), "exits after the grace");
        } finally {
            service.process.destroyForcibly();
        }
    }

    private HttpResponse<String> awaitReadyDown(int port) throws Exception {
        for (int i = 0; i < 50; i++) {
            HttpResponse<String> ready = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
            if (ready.statusCode() == 503) {
                return ready;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("/ready never went DOWN after SIGTERM");
    }
}
