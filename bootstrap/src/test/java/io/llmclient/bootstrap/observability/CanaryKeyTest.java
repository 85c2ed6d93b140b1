package io.llmclient.bootstrap.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static io.llmclient.bootstrap.observability.Upstreams.json;
import static io.llmclient.bootstrap.observability.Upstreams.sse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.tomakehurst.wiremock.http.Fault;
import io.llmclient.bootstrap.CapturedLogs;
import io.llmclient.bootstrap.LlmClientServer;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Contract section 9, keys in output: with a random canary key for each provider, and upstreams
 * that echo the key back in their error messages, success, every error class and streams are
 * driven through both surfaces; no run of 8 characters of any key may appear in a log line
 * (DEBUG included), a metric, an audit entry, or a response.
 */
class CanaryKeyTest {
    private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private static final List<String> MARKERS = List.of("please succeed", "please 400", "please 401",
            "please 429", "please 500", "please stall", "please reset", "please break");

    @TempDir
    Path dir;

    private static String canary(String prefix) {
        var random = new SecureRandom();
        var key = new StringBuilder(prefix);
        for (int i = 0; i < 40; i++) {
            key.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
        }
        return key.toString();
    }

    @Test
    void noCanaryKeyAppearsInAnyLogLineMetricAuditEntryOrResponse() throws Exception {
        Map<String, String> keys = Map.of("openai", canary("sk-proj-"), "anthropic", canary("sk-ant-api03-"),
                "gemini", canary("AIza"));
        var texts = new ArrayList<String>();
        String debugged = "io.llmclient";
        // Every logger of ours at DEBUG, those another test configured on its own included.
        Configurator.setAllLevels(debugged, Level.DEBUG);
        try (var upstreams = new Upstreams(); var logs = CapturedLogs.capture()) {
            keys.forEach((provider, key) -> stubErrorsEchoingTheKey(upstreams, provider, key));
            var env = new HashMap<>(upstreams.env(keys.get("openai"), keys.get("anthropic"), keys.get("gemini")));
            env.putAll(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl", "LLM_MAX_RETRIES", "0",
                    "LLM_RATE_LIMIT_MAX_RETRIES", "0", "LLM_REQUEST_TIMEOUT", "0.5",
                    "LLM_CIRCUIT_FAILURE_THRESHOLD", "1000",
                    "ALLOWED_MODELS", String.join(",", Upstreams.OPENAI_MODEL, Upstreams.ANTHROPIC_MODEL,
                            Upstreams.GEMINI_MODEL)));
            try (var server = LlmClientServer.start(env, dir)) {
                var client = new ServiceClient(server);
                var errorTypes = new HashSet<String>();
                for (String model : List.of(Upstreams.OPENAI_MODEL, Upstreams.ANTHROPIC_MODEL, Upstreams.GEMINI_MODEL)) {
                    for (String marker : MARKERS) {
                        String params = """
                                {"model":"%s","messages":[{"role":"user","content":"%s"}],"source_agent":"canary"}"""
                                .formatted(model, marker);
                        errorTypes.add(client.rpc("llm.complete", params).at("/error/data/type").asText("none"));
                        client.stream(params);
                        client.openAiCompletion(params.replace(",\"source_agent\":\"canary\"", ""));
                        client.post("/v1/chat/completions", params.replace(",\"source_agent\":\"canary\"",
                                ",\"stream\":true"));
                    }
                }
                client.rpc("llm.complete", """
                        {"model":"gpt-5","messages":[{"role":"user","content":"Hi"}]}""");
                client.rpc("llm.complete", """
                        {"messages":[]}""");
                client.rpc("llm.models", "{}");
                client.rpc("llm.metrics", "{}");
                assertEquals(Set.of("none", "ProviderError", "RateLimitedError", "ProviderTimeoutError"), errorTypes,
                        "every upstream error class was driven");
                String lastFour = keys.get("openai").substring(keys.get("openai").length() - 4);
                assertTrue(client.responses().stream().anyMatch(response -> response.body().contains(lastFour)),
                        "the echoed key reached the service and came out masked to its last 4");
                for (HttpResponse<String> response : client.responses()) {
                    texts.add(response.body());
                    texts.add(response.headers().map().toString());
                }
                texts.add(Scrape.of(server).body());
                texts.add(client.post("/health", "").body());
            }
            texts.addAll(logs.lines());
            assertTrue(logs.lines().stream().anyMatch(line -> line.contains("\"level\":\"DEBUG\"")),
                    "DEBUG lines were captured too");
        } finally {
            Configurator.setAllLevels(debugged, Level.INFO);
        }
        texts.add(Files.readString(dir.resolve("audit.jsonl")));
        assertTrue(texts.size() > 300, "texts checked: " + texts.size());

        keys.values().forEach(key -> assertNoRunOfTheKey(key, texts));
    }

    // The upstream errors quote the key, as real ones sometimes do (OpenAI's 401 names the key it got).
    private static void stubErrorsEchoingTheKey(Upstreams upstreams, String provider, String key) {
        String authError = switch (provider) {
            case "openai" -> """
                    {"error":{"message":"Incorrect API key provided: %s. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}""";
            case "anthropic" -> """
                    {"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key %s"}}""";
            default -> """
                    {"error":{"code":400,"message":"API key not valid: %s","status":"INVALID_ARGUMENT",
                     "details":[{"@type":"type.googleapis.com/google.rpc.ErrorInfo","reason":"API_KEY_INVALID"}]}}""";
        };
        String serverError = """
                {"error":{"message":"upstream saw key %s and failed","type":"server_error","code":500,"status":"INTERNAL"}}""";
        String badRequest = Upstreams.fixture(provider, provider.equals("openai") ? "error-400.json" : "error-400.json");
        upstreams.whenBodyContains(provider, "please 400", json(400, badRequest.replace("Unsupported", "Key " + key)));
        upstreams.whenBodyContains(provider, "please 401", json(provider.equals("gemini") ? 400 : 401,
                authError.formatted(key)));
        upstreams.whenBodyContains(provider, "please 429", json(429, Upstreams.fixture(provider, "error-429.json"))
                .withHeader("retry-after", "120"));
        upstreams.whenBodyContains(provider, "please 500", json(500, serverError.formatted(key)));
        upstreams.whenBodyContains(provider, "please stall", json(200, "{}").withFixedDelay(3_000));
        upstreams.whenBodyContains(provider, "please reset", aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER));
        String stream = switch (provider) {
            case "openai" -> Upstreams.fixture("openai", "chat-stream.sse");
            case "anthropic" -> Upstreams.fixture("anthropic", "messages-stream.sse");
            default -> Upstreams.fixture("gemini", "stream.sse");
        };
        // A stream that breaks off in the middle with a line quoting the key.
        String half = stream.substring(0, stream.lastIndexOf("\n\n", stream.length() / 2) + 2);
        upstreams.whenBodyContains(provider, "please break", sse(half + "data: {\"error\":\"" + key + "\"}\n\n"));
    }

    private static void assertNoRunOfTheKey(String key, List<String> texts) {
        for (String text : texts) {
            for (int start = 0; start + 8 <= key.length(); start++) {
                String run = key.substring(start, start + 8);
                assertFalse(text.contains(run), "key fragment '" + run + "' leaked in: " + text);
            }
        }
    }
}
