package io.llmclient.bootstrap;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.testing.ManualClock;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: the answers being read share one byte budget ({@code LLM_RESPONSE_BUFFER_BYTES}).
 * Through the real service, the Anthropic adapter over HTTP against WireMock: while one large
 * answer is being read, another that does not fit next to it is refused with -32006
 * OverloadedError, is not retried, and does not count against the circuit.
 */
class ResponseBudgetEndToEndTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path FIXTURES = Path.of("..", "adapters-providers", "anthropic", "src", "test",
            "resources", "fixtures", "anthropic");
    private static final String HAIKU = "claude-3-5-haiku-20241022";
    private static final String KEY = "sk-ant-test-canary-budget-" + "k".repeat(40);
    private static final int BUDGET = 16 * 1024;
    private static final int THRESHOLD = 2;

    private final HttpClient http = HttpClient.newHttpClient();
    private final WireMockServer upstream = new WireMockServer(wireMockConfig().dynamicPort());
    private final ManualClock clock = new ManualClock();
    /** The budget the service handed its providers, seen as the Anthropic factory was given it. */
    private final AtomicReference<ResponseBudget> budget = new AtomicReference<>();

    @TempDir
    Path dir;

    @BeforeEach
    void startUpstream() {
        upstream.start();
    }

    @AfterEach
    void stopUpstream() {
        upstream.stop();
    }

    private RunningServer start() {
        var env = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "ANTHROPIC_API_KEY", KEY, "ANTHROPIC_BASE_URL", upstream.baseUrl(),
                "LLM_RESPONSE_BUFFER_BYTES", String.valueOf(BUDGET),
                "LLM_CIRCUIT_FAILURE_THRESHOLD", String.valueOf(THRESHOLD)));
        List<LlmProviderFactory> factories = ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).map(this::recordingBudget).toList();
        return LlmClientServer.start(env, dir, factories, new Timing(clock, clock, () -> 0.0));
    }

    private LlmProviderFactory recordingBudget(LlmProviderFactory factory) {
        return new LlmProviderFactory() {
            @Override
            public ProviderId id() {
                return factory.id();
            }

            @Override
            public ProviderDescription description() {
                return factory.description();
            }

            @Override
            public LlmProvider create(ProviderSettings settings) {
                if (factory.id().equals(ProviderId.ANTHROPIC)) {
                    budget.set(settings.transport().responseBudget());
                }
                return factory.create(settings);
            }
        };
    }

    /** The recorded Messages answer, its text padded to {@code chars} characters. */
    private static String paddedAnswer(int chars) throws Exception {
        ObjectNode answer = (ObjectNode) JSON.readTree(FIXTURES.resolve("messages-response.json").toFile());
        ((ObjectNode) answer.path("content").get(0)).put("text", "The weather in SF is sunny. ".repeat(chars / 28 + 1)
                .substring(0, chars));
        return JSON.writeValueAsString(answer);
    }

    private JsonNode complete(RunningServer server, String prompt) throws Exception {
        String body = """
                {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"%s",
                 "messages":[{"role":"user","content":"%s"}]}}""".formatted(HAIKU, prompt);
        return JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                        + "/jsonrpc")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString()).body());
    }

    private JsonNode anthropicCheck(RunningServer server) throws Exception {
        JsonNode health = JSON.readTree(http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                + server.port() + "/health")).build(), HttpResponse.BodyHandlers.ofString()).body());
        for (JsonNode check : health.path("checks")) {
            if (check.path("name").asText().equals("anthropic")) {
                return check;
            }
        }
        throw new AssertionError("no anthropic check in " + health);
    }

    @Test
    void anAnswerThatDoesNotFitBesideAnotherIsOverloadedNotRetriedAndLeavesTheCircuitClosed() throws Exception {
        String slowAnswer = paddedAnswer(12_000);
        String fastAnswer = paddedAnswer(12_000);
        int fastBytes = fastAnswer.getBytes(StandardCharsets.UTF_8).length;
        // The slow answer trickles in over seconds and is held while it does; the fast one comes at once.
        upstream.stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("slow"))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json")
                        .withBody(slowAnswer).withChunkedDribbleDelay(20, 8_000)));
        upstream.stubFor(post(urlEqualTo("/v1/messages")).withRequestBody(containing("fast"))
                .willReturn(aResponse().withStatus(200).withHeader("content-type", "application/json")
                        .withBody(fastAnswer)));
        try (var server = start(); var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<JsonNode> slow = pool.submit(() -> complete(server, "slow"));
            awaitTrue(() -> budget.get() != null && budget.get().available() < fastBytes);

            // More refusals than the circuit's threshold, while the slow answer holds its share.
            for (int i = 0; i <= THRESHOLD; i++) {
                JsonNode error = complete(server, "fast").path("error");
                assertEquals(-32006, error.path("code").asInt(), error.toString());
                assertEquals("OverloadedError", error.path("data").path("type").asText());
                assertEquals(BUDGET, error.path("data").path("response_buffer_bytes").asInt());
            }
            assertFalse(slow.isDone(), "the slow answer was still being read during the refusals");
            upstream.verify(exactly(THRESHOLD + 1), postRequestedFor(urlEqualTo("/v1/messages"))
                    .withRequestBody(containing("fast")));
            assertEquals(List.of(), clock.sleeps(), "no retry waited");
            JsonNode check = anthropicCheck(server);
            assertEquals("UP", check.path("status").asText(), check.toString());

            JsonNode served = slow.get(30, TimeUnit.SECONDS);
            assertEquals(12_000, served.path("result").path("content").asText().length(), served.toString());
            assertEquals(BUDGET, budget.get().available(), "the budget is whole again once both calls ended");

            JsonNode alone = complete(server, "fast");
            assertEquals(HAIKU, alone.path("result").path("model").asText(), alone.toString());
            assertEquals(BUDGET, budget.get().available());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("condition not met within 10 s");
            }
            Thread.sleep(10);
        }
    }
}
