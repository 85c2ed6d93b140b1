package io.llmclient.bootstrap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.llmclient.bootstrap.observability.Scrape;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18 item 5, decision 22: a client that closes its connection while its non-streamed call
 * waits for a silent upstream is noticed while it waits. The upstream call is cancelled (the call
 * ends well before the upstream's answer would have come), it is not retried although retries are
 * on, and it counts as {@code ClientCancelled}, like a stream whose client left.
 */
class ClientDisconnectTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OPENAI_FIXTURES = Path.of("..", "adapters-providers", "openai", "src", "test",
            "resources", "fixtures", "openai");
    private static final int UPSTREAM_DELAY_MS = 8_000;
    /** Well before the upstream's answer: the watch looks every 500 ms at calls older than 500 ms. */
    private static final Duration NOTICED_WITHIN = Duration.ofSeconds(4);
    /** Past the upstream's answer and any retry it could have led to. */
    private static final Duration NO_RETRY_AFTER = Duration.ofSeconds(10);
    private static final Map<String, String> SERIES = Map.of("provider", "openai", "model", "gpt-4.1-mini");

    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());
    private RunningServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/self/net/tcp")), "the kernel's TCP table (Linux) is needed");
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withFixedDelay(UPSTREAM_DELAY_MS)
                .withHeader("Content-Type", "application/json")
                .withBody(Files.readString(OPENAI_FIXTURES.resolve("chat-response.json")))));
        server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "OPENAI_API_KEY", "sk-test-canary-disconnect-" + "k".repeat(30),
                "OPENAI_BASE_URL", upstream.baseUrl() + "/v1",
                "ALLOWED_MODELS", "gpt-4.1-mini", "LLM_DEFAULT_MODEL", "gpt-4.1-mini",
                "LLM_MAX_RETRIES", "3", "LLM_REQUEST_TIMEOUT", "30"), dir);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop();
        }
        upstream.stop();
    }

    private static final String COMPLETE = """
            {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
             "trace_id":"t-left-rpc","messages":[{"role":"user","content":"Hello!"}]}}""";

    private static final String BATCH = """
            [{"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
              "trace_id":"t-left-batch-1","messages":[{"role":"user","content":"Hello!"}]}},
             {"jsonrpc":"2.0","id":2,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
              "trace_id":"t-left-batch-2","messages":[{"role":"user","content":"Hi!"}]}}]""";

    private static final String CHAT = """
            {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello!"}]}""";

    /**
     * Sends a request on a raw socket, waits until its {@code calls} have reached the upstream
     * (where they then wait) and closes the socket without reading anything.
     */
    private void sendAndLeave(String path, String body, String traceId, int calls) throws Exception {
        byte[] content = body.getBytes(StandardCharsets.UTF_8);
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "X-Trace-Id: " + traceId + "\r\nContent-Length: " + content.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(content);
            out.flush();
            // Waiting for the upstream, not a fixed time: on a loaded machine the calls may not
            // have been sent yet, and this test is about calls that wait on the provider.
            await(() -> upstreamRequests() >= calls, Duration.ofSeconds(10), "the calls reached the upstream");
        }
    }

    private int upstreamRequests() {
        return upstream.findAll(postRequestedFor(urlEqualTo("/v1/chat/completions"))).size();
    }

    private double cancelled(Scrape scrape) {
        var labels = new java.util.HashMap<>(SERIES);
        labels.put("error_type", "ClientCancelled");
        return scrape.counter("llm_errors_total", labels);
    }

    private double active() {
        return Scrape.of(server).gauge("llm_active_requests", Map.of("provider", "openai")).orElse(0.0);
    }

    private static void await(BooleanSupplier condition, Duration within, String what) throws InterruptedException {
        long until = System.nanoTime() + within.toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < until, what + " within " + within);
            Thread.sleep(50);
        }
    }

    /** The request log lines of {@code traceId} that end a request. */
    private static List<JsonNode> requestLines(CapturedLogs logs, String traceId) throws IOException {
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

    /** Leaves during the call; checks it was noticed while it waited, cancelled once, and not retried. */
    private void leaveAndExpectCancelled(String path, String body, String traceId, int calls) throws Exception {
        Scrape before = Scrape.of(server);
        long left;
        try (var logs = CapturedLogs.capture()) {
            sendAndLeave(path, body, traceId, calls);
            left = System.nanoTime();
            await(() -> cancelled(Scrape.of(server)) - cancelled(before) == calls, NOTICED_WITHIN,
                    "the calls counted as ClientCancelled");
            await(() -> active() == 0.0, Duration.ofSeconds(1), "no request left active");
            assertEquals(calls, upstreamRequests(), "one upstream request per call");
            if (calls == 1) {
                List<JsonNode> lines = requestLines(logs, traceId);
                assertEquals(1, lines.size(), () -> "one request line: " + logs.lines());
                assertEquals("complete", lines.getFirst().path("operation").asText());
                assertEquals("error", lines.getFirst().path("status").asText());
                assertEquals("ClientCancelled", lines.getFirst().path("error_type").asText());
            }
        }
        Thread.sleep(Math.max(0, NO_RETRY_AFTER.toMillis() - Duration.ofNanos(System.nanoTime() - left).toMillis()));
        assertEquals(calls, upstreamRequests(), "a cancelled call is not retried");
        Scrape after = Scrape.of(server);
        assertEquals(calls, cancelled(after) - cancelled(before), "counted once each");
        var success = new java.util.HashMap<>(SERIES);
        success.put("status", "success");
        assertEquals(0.0, after.counter("llm_requests_total", success) - before.counter("llm_requests_total", success));
        assertEquals(0.0, active());
    }

    @Test
    void anLlmCompleteWhoseClientLeavesIsCancelledWhileItWaitsAndNotRetried() throws Exception {
        leaveAndExpectCancelled("/jsonrpc", COMPLETE, "t-left-rpc", 1);
    }

    @Test
    void aChatCompletionWhoseClientLeavesIsCancelledWhileItWaitsAndNotRetried() throws Exception {
        leaveAndExpectCancelled("/v1/chat/completions", CHAT, "t-left-openai", 1);
    }

    @Test
    void aBatchWhoseClientLeavesHasAllItsCallsCancelledTogether() throws Exception {
        leaveAndExpectCancelled("/jsonrpc", BATCH, "t-left-batch", 2);
    }
}
