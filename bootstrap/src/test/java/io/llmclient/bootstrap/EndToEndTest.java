package io.llmclient.bootstrap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The whole service as it ships: every provider module on the class path, found by ServiceLoader. */
class EndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path OPENAI_FIXTURES = Path.of("..", "adapters-providers", "openai", "src", "test",
            "resources", "fixtures", "openai");
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private RunningServer start(Map<String, String> env) {
        var all = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl"));
        all.putAll(env);
        return LlmClientServer.start(all, dir);
    }

    private HttpResponse<String> rpc(RunningServer server, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/jsonrpc"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aHundredConcurrentCompletionsThroughTheSimulatorAllSucceedWithDistinctTraceIds() throws Exception {
        try (var server = start(Map.of());
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            var calls = new ArrayList<Future<HttpResponse<String>>>();
            for (int i = 0; i < 100; i++) {
                String body = """
                        {"jsonrpc":"2.0","id":%d,"method":"llm.complete",
                         "params":{"messages":[{"role":"user","content":"question %d"}]}}""".formatted(i, i);
                calls.add(pool.submit((Callable<HttpResponse<String>>) () -> rpc(server, body)));
            }
            var traceIds = new HashSet<String>();
            for (int i = 0; i < calls.size(); i++) {
                HttpResponse<String> response = calls.get(i).get();
                assertEquals(200, response.statusCode());
                JsonNode reply = JSON.readTree(response.body());
                assertEquals(i, reply.path("id").asInt());
                JsonNode result = reply.path("result");
                assertEquals("sim-fast", result.path("model").asText(), response.body());
                assertEquals("simulator", result.path("provider").asText());
                assertTrue(result.path("content").asText().contains("question " + i));
                assertEquals(result.path("trace_id").asText(), response.headers().firstValue("X-Trace-Id").orElseThrow());
                traceIds.add(result.path("trace_id").asText());
            }
            assertEquals(100, traceIds.size());
        }
    }

    @Test
    void withAnOpenAiKeyTheOpenAiModelsAreAvailableAndAnsweredByTheUpstream() throws Exception {
        var upstream = new WireMockServer(wireMockConfig().dynamicPort());
        upstream.start();
        try {
            upstream.stubFor(post(urlEqualTo("/v1/chat/completions")).willReturn(aResponse().withStatus(200)
                    .withHeader("Content-Type", "application/json")
                    .withBody(Files.readString(OPENAI_FIXTURES.resolve("chat-response.json")))));
            String key = "sk-e2e-" + "x".repeat(40);
            try (var server = start(Map.of("OPENAI_API_KEY", key,
                    "OPENAI_BASE_URL", upstream.baseUrl() + "/v1"))) {
                JsonNode models = JSON.readTree(rpc(server, """
                        {"jsonrpc":"2.0","id":1,"method":"llm.models"}""").body()).path("result");
                assertEquals("gpt-4.1-mini", models.path("default_model").asText());
                var available = new HashMap<String, Boolean>();
                models.path("models").forEach(m -> available.put(m.path("id").asText(), m.path("available").asBoolean()));
                assertEquals(Map.of("gpt-4.1-mini", true, "gpt-5-mini", true,
                        "claude-3-5-haiku-20241022", false, "gemini-1.5-flash", false), available,
                        "a key turns the simulator off, so only the allowed catalog models are listed");

                HttpResponse<String> response = rpc(server, """
                        {"jsonrpc":"2.0","id":2,"method":"llm.complete","params":{"model":"gpt-4.1-mini",
                         "messages":[{"role":"user","content":"Hello!"}],"trace_id":"t-e2e","source_agent":"planner"}}""");
                JsonNode result = JSON.readTree(response.body()).path("result");
                assertEquals("openai", result.path("provider").asText(), response.body());
                assertEquals("gpt-4.1-mini", result.path("model").asText());
                assertEquals("t-e2e", response.headers().firstValue("X-Trace-Id").orElseThrow());
                assertFalse(result.path("content").asText().isEmpty());
                upstream.verify(postRequestedFor(urlEqualTo("/v1/chat/completions"))
                        .withHeader("Authorization", equalTo("Bearer " + key))
                        .withHeader("X-Trace-Id", equalTo("t-e2e"))
                        .withHeader("X-Source-Agent", equalTo("planner"))
                        .withRequestBody(equalToJson("""
                                {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Hello!"}]}""",
                                true, true)));
            }
        } finally {
            upstream.stop();
        }
    }

    @Test
    void everyRouteAnswersWithATraceId() throws Exception {
        try (var server = start(Map.of())) {
            for (String path : List.of("/health", "/metrics", "/nope")) {
                var response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header("X-Trace-Id", "t-route").build(), HttpResponse.BodyHandlers.ofString());
                assertEquals("t-route", response.headers().firstValue("X-Trace-Id").orElse(null), path);
            }
        }
    }

    @Test
    void withInboundKeysSetJsonRpcNeedsOneAndHealthDoesNot() throws Exception {
        try (var server = start(Map.of("LLM_INBOUND_API_KEYS", "inbound-key-0123456789,other-key-9876543210"))) {
            String call = """
                    {"jsonrpc":"2.0","id":1,"method":"llm.models"}""";
            assertEquals(401, rpc(server, call).statusCode());
            var authorised = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/jsonrpc"))
                    .header("Authorization", "Bearer other-key-9876543210")
                    .POST(HttpRequest.BodyPublishers.ofString(call)).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, authorised.statusCode());
            var health = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void theSimulatorGivesTheSameTextStreamedOrNotOnBothSurfaces() throws Exception {
        try (var server = start(Map.of())) {
            String params = """
                    {"model":"sim-balanced","messages":[{"role":"user","content":"Same text please"}]}""";
            String completed = JSON.readTree(rpc(server, """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":%s}""".formatted(params)).body())
                    .at("/result/content").asText();

            HttpResponse<String> stream = rpc(server, """
                    {"jsonrpc":"2.0","id":2,"method":"llm.stream","params":%s}""".formatted(params));
            assertTrue(stream.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
            var deltas = new StringBuilder();
            JsonNode done = null;
            for (String event : stream.body().split("\n\n")) {
                String data = event.substring(event.indexOf("data: ") + "data: ".length());
                if (event.startsWith("event: chunk")) {
                    deltas.append(JSON.readTree(data).path("delta").asText());
                } else if (event.startsWith("event: done")) {
                    done = JSON.readTree(data);
                }
            }
            assertEquals(completed, deltas.toString());
            assertEquals(completed, done.at("/result/content").asText());

            HttpResponse<String> openAi = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + server.port() + "/v1/chat/completions"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(params)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode completion = JSON.readTree(openAi.body());
            assertEquals("chat.completion", completion.path("object").asText(), openAi.body());
            assertEquals(completed, completion.at("/choices/0/message/content").asText());
        }
    }
}
