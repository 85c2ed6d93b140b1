package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LLM_INBOUND_API_KEYS} on the whole service as wired: every route of both surfaces,
 * each JSON-RPC method (llm.stream included) and the streamed OpenAI completion are refused
 * without a key in their own error shape, and answered with one; {@code /health} and
 * {@code /metrics} stay open.
 */
class InboundAuthEveryRouteTest {
    private static final String KEY = "inbound-" + "q".repeat(24) + "-K3Y9";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static RunningServer server;

    @BeforeAll
    static void start() {
        server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_INBOUND_API_KEYS", "other-key-0000000000000000, " + KEY), dir);
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static String rpc(String method) {
        return """
                {"jsonrpc":"2.0","id":1,"method":"%s","params":{"messages":[{"role":"user","content":"Hi"}]}}"""
                .formatted(method);
    }

    static Stream<Arguments> jsonRpcCalls() {
        return Stream.of(Arguments.of(rpc("llm.complete")), Arguments.of(rpc("llm.stream")),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"llm.models\"}"),
                Arguments.of("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"llm.metrics\"}"),
                Arguments.of("[" + rpc("llm.complete") + "]"));
    }

    static Stream<Arguments> openAiCalls() {
        String completion = """
                {"model":"sim-fast","messages":[{"role":"user","content":"Hi"}]}""";
        String streamed = """
                {"model":"sim-fast","stream":true,"messages":[{"role":"user","content":"Hi"}]}""";
        return Stream.of(Arguments.of("POST", "/v1/chat/completions", completion),
                Arguments.of("POST", "/v1/chat/completions", streamed),
                Arguments.of("GET", "/v1/models", ""),
                Arguments.of("GET", "/v1/nowhere", ""));
    }

    private static HttpResponse<String> call(String method, String path, String body, String... headers)
            throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString(body)
                        : HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @ParameterizedTest
    @MethodSource("jsonRpcCalls")
    void everyJsonRpcCallWithoutAKeyGets401AndAnUnauthorizedError(String body) throws Exception {
        for (String[] credentials : new String[][] {{}, {"Authorization", "Bearer wrong-" + KEY},
                {"Authorization", KEY}}) {
            var response = call("POST", "/jsonrpc", body, credentials);
            assertEquals(401, response.statusCode(), body);
            JsonNode error = JSON.readTree(response.body()).path("error");
            assertEquals(-32600, error.path("code").asInt());
            assertEquals("Unauthorized", error.path("data").path("type").asText());
            assertFalse(response.body().contains("K3Y9"), "nothing of a presented key comes back");
        }
    }

    @ParameterizedTest
    @MethodSource("jsonRpcCalls")
    void everyJsonRpcCallWithAKeyIsAnswered(String body) throws Exception {
        var response = call("POST", "/jsonrpc", body, "Authorization", "Bearer " + KEY);
        assertEquals(200, response.statusCode(), response.body());
        assertFalse(response.body().contains("Unauthorized"), response.body());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("openAiCalls")
    void everyOpenAiRouteWithoutAKeyGets401InOpenAisShape(String method, String path, String body) throws Exception {
        var response = call(method, path, body, "Authorization", "Bearer not-" + KEY);
        assertEquals(401, response.statusCode());
        assertEquals("invalid_api_key", JSON.readTree(response.body()).path("error").path("code").asText());
        assertTrue(response.headers().firstValue("X-Trace-Id").isPresent());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("openAiCalls")
    void everyOpenAiRouteWithAKeyIsServed(String method, String path, String body) throws Exception {
        var response = call(method, path, body, "Authorization", "Bearer " + KEY);
        assertEquals(path.equals("/v1/nowhere") ? 404 : 200, response.statusCode(), response.body());
    }

    @Test
    void healthAndMetricsNeedNoKey() throws Exception {
        assertEquals(200, call("GET", "/health", "").statusCode());
        assertEquals(200, call("GET", "/metrics", "").statusCode());
    }
}
