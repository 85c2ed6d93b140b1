package io.llmclient.provider.echo;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import java.io.IOException;
import java.io.InputStream;
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
 * The service as it ships plus this module on the class path: ServiceLoader finds the echo
 * provider, the configuration of docs/adding-a-provider.md routes to it, and both surfaces
 * answer from it. No code of domain, application, bootstrap or another adapter was changed.
 */
class EchoProviderInTheServiceTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    private RunningServer start(Map<String, String> extra) throws IOException {
        try (InputStream policy = getClass().getResourceAsStream("/echo-models.yaml")) {
            Files.write(dir.resolve("echo-models.yaml"), policy.readAllBytes());
        }
        var env = new java.util.HashMap<>(Map.of(
                "SERVER_PORT", "0",
                "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_CONFIG_FILE", "echo-models.yaml",
                "ALLOWED_MODELS", "echo-1",
                "LLM_DEFAULT_MODEL", "echo-1",
                "LLM_SIMULATOR_ENABLED", "false"));
        env.putAll(extra);
        return LlmClientServer.start(env, dir);
    }

    private JsonNode post(RunningServer server, String path, String body) throws Exception {
        HttpResponse<String> response = http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body());
    }

    @Test
    void aJsonRpcCompletionIsAnsweredByTheEchoProvider() throws Exception {
        try (var server = start(Map.of("ECHO_API_KEY", "echo-demo-key"))) {
            JsonNode result = post(server, "/jsonrpc", """
                    {"jsonrpc":"2.0","id":1,"method":"llm.complete",
                     "params":{"messages":[{"role":"user","content":"hello from the docs"}],"trace_id":"t-echo"}}""")
                    .path("result");
            assertEquals("echo-1", result.path("model").asText());
            assertEquals("echo", result.path("provider").asText());
            assertEquals("echo-2025-01", result.path("provider_model").asText());
            assertEquals("hello from the docs", result.path("content").asText());
            assertEquals("t-echo", result.path("trace_id").asText());
        }
    }

    @Test
    void theOpenAiSurfaceServesTheEchoModelToo() throws Exception {
        try (var server = start(Map.of("ECHO_API_KEY", "echo-demo-key"))) {
            JsonNode reply = post(server, "/v1/chat/completions", """
                    {"model":"echo-1","max_tokens":2,"messages":[{"role":"user","content":"one two three"}]}""");
            assertEquals("one two", reply.path("choices").path(0).path("message").path("content").asText());
            assertEquals("length", reply.path("choices").path(0).path("finish_reason").asText());
        }
    }

    @Test
    void withoutItsKeyTheEchoModelIsListedAsUnavailable() throws Exception {
        try (var server = start(Map.of())) {
            JsonNode models = post(server, "/jsonrpc", """
                    {"jsonrpc":"2.0","id":1,"method":"llm.models"}""").path("result").path("models");
            assertEquals(JSON.readTree("""
                    [{"id":"echo-1","provider":"echo","tier":"fast","available":false}]"""), models);
        }
    }
}
