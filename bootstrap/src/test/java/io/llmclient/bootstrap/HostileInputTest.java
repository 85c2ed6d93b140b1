package io.llmclient.bootstrap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile values in the A2A headers and params, followed to every place they could land: the
 * upstream request's headers (WireMock), the service's log lines, its metric labels and the
 * response's {@code X-Trace-Id}; and the inbound limits that are configured at start-up.
 */
class HostileInputTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OPENAI_FIXTURES = Path.of("..", "adapters-providers", "openai", "src", "test",
            "resources", "fixtures", "openai");
    private static final String UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";

    private final HttpClient http = HttpClient.newHttpClient();
    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());

    @TempDir
    Path dir;

    @BeforeEach
    void startUpstream() throws IOException {
        upstream.start();
        upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json")
                .withBody(Files.readString(OPENAI_FIXTURES.resolve("chat-response.json")))));
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop();
    }

    private RunningServer start(Map<String, String> env) {
        var all = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "OPENAI_API_KEY", "sk-hostile-" + "k".repeat(30), "OPENAI_BASE_URL", upstream.baseUrl() + "/v1"));
        all.putAll(env);
        return LlmClientServer.start(all, dir);
    }

    /**
     * One request written byte for byte on a socket, so that headers no HTTP client would send can
     * be sent; the answer's head and its Content-Length body (Helidon keeps the connection open a
     * while even after {@code Connection: close}, so the end of the stream is not waited for). A
     * server that hangs up without an answer gives an empty string.
     */
    private static String raw(RunningServer server, byte[] head, String body) throws IOException {
        try (var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(20_000);
            byte[] content = body.getBytes(StandardCharsets.UTF_8);
            var request = new ByteArrayOutputStream();
            request.writeBytes(head);
            request.writeBytes(("Content-Length: " + content.length + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            request.writeBytes(content);
            try {
                OutputStream out = socket.getOutputStream();
                out.write(request.toByteArray());
                out.flush();
            } catch (SocketException hungUp) {
                // The server refused before reading everything; its answer may still be readable.
            }
            return answer(socket.getInputStream());
        } catch (SocketException reset) {
            return "";
        }
    }

    private static String answer(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int length = text.lines().filter(line -> line.regionMatches(true, 0, "Content-Length:", 0, 15))
                .map(line -> Integer.parseInt(line.substring(15).strip())).findFirst().orElse(0);
        return text + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }

    private static byte[] head(String path, byte[]... headerLines) {
        var head = new ByteArrayOutputStream();
        head.writeBytes(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        for (byte[] line : headerLines) {
            head.writeBytes(line);
            head.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        return head.toByteArray();
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static final String COMPLETE = """
            {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
             "messages":[{"role":"user","content":"Hello!"}]}}""";

    @Test
    void nonAsciiOverlongAndBlankA2aHeadersNeverReachTheUpstreamTheLogsOrTheResponse() throws Exception {
        String longAgent = "agent-" + "a".repeat(5000);
        try (var logs = CapturedLogs.capture(); var server = start(Map.of())) {
            String answer = raw(server, head("/jsonrpc",
                    "X-Trace-Id: tr\u00e9ce-\u4e2d".getBytes(StandardCharsets.UTF_8),
                    ascii("X-Source-Agent: " + longAgent),
                    ascii("X-Session-Id: s 1\tx")), COMPLETE);
            assertTrue(answer.startsWith("HTTP/1.1 200"), answer);
            String traceId = answer.lines().filter(line -> line.regionMatches(true, 0, "X-Trace-Id:", 0, 11))
                    .findFirst().orElseThrow().substring(11).strip();
            assertTrue(traceId.matches(UUID), "a fresh trace id replaces the malformed one: " + traceId);
            upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                    .withHeader("X-Trace-Id", equalTo(traceId))
                    .withHeader("X-Source-Agent", absent())
                    .withHeader("X-Session-Id", absent()));
            String logged = String.join("\n", logs.lines());
            assertFalse(logged.contains("tr\u00e9ce") || logged.contains("tr\\u00e9ce"), logged);
            assertFalse(logged.contains("aaaaaaaaaa"), "the overlong agent is not logged");
            assertFalse(logged.contains("s 1"), "the blank session id is not logged");
        }
    }

    @Test
    void aBareCarriageReturnInAHeaderCannotSmuggleAHeaderUpstreamOrIntoTheLogs() throws Exception {
        try (var logs = CapturedLogs.capture(); var server = start(Map.of())) {
            String answer = raw(server, head("/jsonrpc", ascii("X-Trace-Id: t-1\rX-Evil: smuggled")), COMPLETE);
            assertFalse(answer.contains("smuggled"), answer);
            upstream.verify(0, anyRequestedFor(anyUrl()).withHeader("X-Evil", matching(".*")));
            assertTrue(logs.lines().stream().noneMatch(line -> line.contains("smuggled")));
        }
    }

    @Test
    void crLfInParamsIsRefusedAsInvalidParamsAndNothingGoesUpstream() throws Exception {
        try (var server = start(Map.of())) {
            HttpResponse<String> response = rpc(server, """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                     "messages":[{"role":"user","content":"Hi"}],"trace_id":"t\\r\\nX-Evil: 1",
                     "source_agent":"agent\\u00e9","session_id":"%s"}}""".formatted("s".repeat(300)));
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertEquals(-32602, error.path("code").asInt(), response.body());
            assertEquals(JSON.readTree("""
                    [{"field":"trace_id","message":"must be visible ASCII characters without spaces"},
                     {"field":"source_agent","message":"must be visible ASCII characters without spaces"},
                     {"field":"session_id","message":"must be at most 256 characters"}]"""),
                    error.path("data").path("errors"));
            assertTrue(response.headers().firstValue("X-Trace-Id").orElseThrow().matches(UUID));
            upstream.verify(0, anyRequestedFor(anyUrl()));
        }
    }

    @Test
    void aMalformedSourceAgentIsCountedAsUnknownInTheGovernanceMetric() throws Exception {
        try (var server = start(Map.of())) {
            raw(server, head("/jsonrpc", ascii("X-Source-Agent: evil\"} 1 fake_metric{a=\"")), """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1",
                     "messages":[{"role":"user","content":"Hi"}]}}""");
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(metrics.lines().anyMatch(line -> line.startsWith("llm_governance_violations_total")
                    && line.contains("source_agent=\"unknown\"")), metrics);
            assertFalse(metrics.contains("evil") || metrics.contains("fake_metric"), metrics);
        }
    }

    @Test
    void moreMessagesThanLlmMaxMessagesAreInvalidParams() throws Exception {
        try (var server = start(Map.of("LLM_MAX_MESSAGES", "2"))) {
            HttpResponse<String> response = rpc(server, """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                     "messages":[{"role":"user","content":"a"},{"role":"assistant","content":"b"},
                                 {"role":"user","content":"c"}]}}""");
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertEquals(-32602, error.path("code").asInt(), response.body());
            assertEquals(JSON.readTree("""
                    [{"field":"messages","message":"must hold at most 2 messages, got 3"}]"""),
                    error.path("data").path("errors"));
            upstream.verify(0, anyRequestedFor(anyUrl()));
        }
    }

    @Test
    void requestHeadersLargerThanLlmMaxHeaderBytesAreRefusedBeforeAnyRoute() throws Exception {
        try (var server = start(Map.of("LLM_MAX_HEADER_BYTES", "2048"))) {
            String answer = raw(server, head("/jsonrpc", ascii("X-Padding: " + "p".repeat(4096))), COMPLETE);
            assertTrue(answer.isEmpty() || answer.startsWith("HTTP/1.1 4"), "refused or hung up: " + answer);
            upstream.verify(0, anyRequestedFor(anyUrl()));
            String fine = raw(server, head("/jsonrpc", ascii("X-Padding: " + "p".repeat(512))), COMPLETE);
            assertTrue(fine.startsWith("HTTP/1.1 200"), fine);
        }
    }

    @Test
    void aPlainHttpBaseUrlIsLoggedAsAWarningAtStartUp() {
        try (var logs = CapturedLogs.capture(); var server = start(Map.of())) {
            assertTrue(server.port() > 0);
            assertTrue(logs.lines().stream().anyMatch(line -> line.contains("\"level\":\"WARN\"")
                    && line.contains("provider openai uses plain http (" + upstream.baseUrl() + "/v1)")),
                    String.join("\n", logs.lines()));
        }
    }

    private HttpResponse<String> rpc(RunningServer server, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/jsonrpc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
