package io.llmclient.bootstrap.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.anthropic.client.AnthropicClient;
import com.anthropic.client.okhttp.AnthropicOkHttpClient;
import com.anthropic.core.JsonValue;
import com.anthropic.core.http.StreamResponse;
import com.anthropic.errors.BadRequestException;
import com.anthropic.errors.ContentTooLargeException;
import com.anthropic.errors.GatewayTimeoutException;
import com.anthropic.errors.InternalServerException;
import com.anthropic.errors.PermissionDeniedException;
import com.anthropic.errors.RateLimitException;
import com.anthropic.errors.UnauthorizedException;
import com.anthropic.helpers.MessageAccumulator;
import com.anthropic.models.messages.ContentBlock;
import com.anthropic.models.messages.ContentBlockParam;
import com.anthropic.models.messages.Message;
import com.anthropic.models.messages.MessageCountTokensParams;
import com.anthropic.models.messages.MessageCreateParams;
import com.anthropic.models.messages.RawMessageStreamEvent;
import com.anthropic.models.messages.StopReason;
import com.anthropic.models.messages.TextBlock;
import com.anthropic.models.messages.Tool;
import com.anthropic.models.messages.ToolChoiceAny;
import com.anthropic.models.messages.ToolResultBlockParam;
import com.anthropic.models.messages.ToolUseBlock;
import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.bootstrap.RunningServer;
import io.llmclient.bootstrap.observability.Upstreams;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Anthropic's official Java SDK against the whole running service ({@code /v1/messages},
 * {@code /v1/messages/count_tokens}), given only the base URL and a gateway key: the simulator, and
 * behind WireMock (recorded fixtures) an OpenAI, a Gemini and an Anthropic model. Create, stream
 * through the SDK's {@link MessageAccumulator}, a tool-use round trip, count_tokens, and each error
 * class the SDK maps to its own exception type. Retries are off so that error tests see the first
 * answer.
 */
class AnthropicSdkTest {
    private static final String KEY = "gw-test-anthropic-sdk-key";
    private static final long MAX_BYTES = 64 * 1024;

    @TempDir
    static Path dir;

    private static Upstreams upstreams;
    private static RunningServer server;
    private static AnthropicClient anthropic;

    @BeforeAll
    static void start() {
        upstreams = new Upstreams();
        var env = upstreams.env("sk-test-openai", "anthropic-test-key", "google-test-key");
        env.putAll(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl", "LLM_MAX_RETRIES", "0",
                "LLM_RATE_LIMIT_MAX_RETRIES", "0", "LLM_SIMULATOR_ENABLED", "true", "LLM_INBOUND_API_KEYS", KEY,
                "LLM_MAX_REQUEST_BYTES", String.valueOf(MAX_BYTES), "LLM_REQUEST_TIMEOUT", "2"));
        server = LlmClientServer.start(env, dir);
        anthropic = client(KEY);
    }

    @AfterAll
    static void stop() {
        anthropic.close();
        server.stop();
        upstreams.close();
    }

    private static AnthropicClient client(String key) {
        return AnthropicOkHttpClient.builder()
                .baseUrl("http://127.0.0.1:" + server.port())
                .apiKey(key)
                .maxRetries(0)
                .build();
    }

    private static MessageCreateParams ask(String model, String text) {
        return MessageCreateParams.builder().model(model).maxTokens(256).addUserMessage(text).build();
    }

    private static String text(Message message) {
        return message.content().stream().flatMap(block -> block.text().stream()).map(TextBlock::text)
                .collect(Collectors.joining());
    }

    @Test
    void theSdkCreatesAMessageOnAnOpenAiModel() {
        Message message = anthropic.messages().create(ask(Upstreams.OPENAI_MODEL, "Hello"));

        assertEquals("Hello! How can I assist you today?", text(message));
        assertEquals(Upstreams.OPENAI_MODEL, message.model().asString());
        assertEquals(StopReason.END_TURN, message.stopReason().orElseThrow());
        assertEquals(19, message.usage().inputTokens());
        assertEquals(10, message.usage().outputTokens());
        assertTrue(message.id().startsWith("msg_"), message.id());
    }

    @Test
    void theSdkCreatesAMessageOnAGeminiModel() {
        Message message = anthropic.messages().create(ask(Upstreams.GEMINI_MODEL, "high"));

        assertEquals("low", text(message));
        assertEquals(Upstreams.GEMINI_MODEL, message.model().asString());
        assertEquals(9, message.usage().inputTokens());
        assertEquals(21, message.usage().outputTokens(), "thinking tokens count as output");
    }

    @Test
    void theSdkCreatesAMessageOnAnAnthropicModelKeepingItsId() {
        Message message = anthropic.messages().create(ask(Upstreams.ANTHROPIC_MODEL, "Weather?"));

        assertEquals("The weather in SF is currently **20°C** (68°F) and **Sunny**!", text(message));
        assertEquals("msg_01LzoWDaDa7jiMvVbBiguxJy", message.id());
        assertEquals(705, message.usage().inputTokens());
    }

    @Test
    void anthropicBetaReachesTheAnthropicUpstreamAndNoOther() {
        for (String model : List.of(Upstreams.ANTHROPIC_MODEL, Upstreams.OPENAI_MODEL, Upstreams.GEMINI_MODEL)) {
            anthropic.messages().create(ask(model, "beta-marker").toBuilder()
                    .putAdditionalHeader("anthropic-beta", "beta-test-2025").build());
        }

        assertEquals(List.of("beta-test-2025"), sentBeta("/v1/messages"));
        assertEquals(List.of(), sentBeta("/v1/chat/completions"));
        assertEquals(List.of(), sentBeta("/v1beta/models/" + Upstreams.GEMINI_MODEL + ":generateContent"));
    }

    // The anthropic-beta headers of the requests at urlPath that carried this test's marker.
    private static List<String> sentBeta(String urlPath) {
        return upstreams.received(urlPath).stream().filter(request -> request.getBodyAsString().contains("beta-marker"))
                .map(request -> request.containsHeader("anthropic-beta") ? request.getHeader("anthropic-beta") : "")
                .filter(value -> !value.isEmpty()).toList();
    }

    @Test
    void theSdkCreatesAMessageOnTheSimulator() {
        Message message = anthropic.messages().create(ask("sim-fast", "Hello"));

        assertTrue(text(message).startsWith("Simulated reply from sim-fast"), text(message));
        assertEquals("sim-fast", message.model().asString());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"gpt-4.1-mini", "gemini-1.5-flash", "claude-3-5-haiku-20241022", "sim-fast"})
    void theSdksAccumulatorRebuildsAStreamedMessage(String model) {
        MessageAccumulator accumulator = MessageAccumulator.create();
        try (StreamResponse<RawMessageStreamEvent> stream = anthropic.messages()
                .createStreaming(ask(model, "high"))) {
            stream.stream().forEach(accumulator::accumulate);
        }
        Message message = accumulator.message();

        String expected = switch (model) {
            case "gpt-4.1-mini" -> "I'm unable to provide real-time weather updates. To get the current weather in "
                    + "San Francisco, I recommend checking a reliable weather website or a weather app.";
            case "claude-3-5-haiku-20241022" -> "The weather in San Francisco, CA is currently:\n- **Temperature:** "
                    + "68°F\n- **Condition:** Sunny\n\nIt's a nice sunny day!";
            default -> null;
        };
        if (expected != null) {
            assertEquals(expected, text(message));
        } else {
            assertFalse(text(message).isEmpty());
        }
        assertEquals(model, message.model().asString());
        assertTrue(message.stopReason().isPresent());
        assertTrue(message.usage().outputTokens() > 0);
    }

    @Test
    void theSdkRunsAToolUseRoundTrip() {
        Tool weather = Tool.builder().name("get_weather").description("Current weather of a city")
                .inputSchema(Tool.InputSchema.builder()
                        .properties(Tool.InputSchema.Properties.builder()
                                .putAdditionalProperty("city", JsonValue.from(Map.of("type", "string"))).build())
                        .required(List.of("city")).build())
                .build();
        MessageCreateParams question = MessageCreateParams.builder().model("sim-fast").maxTokens(256)
                .addTool(weather).toolChoice(ToolChoiceAny.builder().build())
                .addUserMessage("What is the weather in Paris?").build();

        Message called = anthropic.messages().create(question);

        assertEquals(StopReason.TOOL_USE, called.stopReason().orElseThrow());
        ToolUseBlock use = called.content().stream().flatMap(block -> block.toolUse().stream()).findFirst()
                .orElseThrow();
        assertEquals("get_weather", use.name());

        Message answered = anthropic.messages().create(question.toBuilder()
                .toolChoice(com.anthropic.models.messages.ToolChoiceAuto.builder().build())
                .addMessage(called)
                .addUserMessageOfContentBlockParams(List.of(ContentBlockParam.ofToolResult(
                        ToolResultBlockParam.builder().toolUseId(use.id()).content("21C and sunny").build())))
                .build());

        assertEquals(StopReason.END_TURN, answered.stopReason().orElseThrow());
        assertTrue(answered.content().stream().allMatch(ContentBlock::isText), answered.toString());
        assertFalse(text(answered).isEmpty());
    }

    @Test
    void theSdkCountsTokensWithTheGatewaysEstimateForANonAnthropicModel() {
        long tokens = anthropic.messages().countTokens(MessageCountTokensParams.builder().model("sim-fast")
                .addUserMessage("Hello there").build()).inputTokens();

        // ceil(11 / 4) = 3, plus 4 for the message.
        assertEquals(7, tokens);
    }

    @Test
    void theSdkCountsTokensWithAnthropicsOwnCountForAClaudeModel() {
        upstreams.whenBodyContains("anthropic-count", "count-me", aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody("{\"input_tokens\": 2095}"));

        long tokens = anthropic.messages().countTokens(MessageCountTokensParams.builder()
                .model(Upstreams.ANTHROPIC_MODEL).addUserMessage("count-me").build()).inputTokens();

        assertEquals(2095, tokens);
    }

    @Test
    void aWrongKeyIsUnauthorizedException() {
        AnthropicClient stranger = client("wrong-test-key");
        try {
            assertThrows(UnauthorizedException.class, () -> stranger.messages().create(ask("sim-fast", "Hi")));
        } finally {
            stranger.close();
        }
    }

    @Test
    void aMaxTokensOfZeroIsBadRequestException() {
        BadRequestException refused = assertThrows(BadRequestException.class, () -> anthropic.messages().create(
                MessageCreateParams.builder().model("sim-fast").maxTokens(0).addUserMessage("Hi").build()));
        assertTrue(refused.getMessage().contains("max_tokens"), refused.getMessage());
    }

    @Test
    void aModelOutsideTheAllowListIsPermissionDeniedException() {
        assertThrows(PermissionDeniedException.class, () -> anthropic.messages().create(ask("gpt-4o", "Hi")));
    }

    @Test
    void aBodyOverTheLimitIsContentTooLargeException() {
        assertThrows(ContentTooLargeException.class, () -> anthropic.messages().create(
                ask("sim-fast", "x".repeat((int) MAX_BYTES))));
    }

    @Test
    void anUpstreamRateLimitIsRateLimitException() {
        upstreams.whenBodyContains("openai", "rate-me", aResponse().withStatus(429).withHeader("retry-after", "120")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"Rate limit reached\",\"type\":\"requests\"}}"));

        assertThrows(RateLimitException.class, () -> anthropic.messages().create(ask(Upstreams.OPENAI_MODEL,
                "rate-me")));
    }

    @Test
    void anUpstreamFailureIsInternalServerException() {
        upstreams.whenBodyContains("openai", "break-me", aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"message\":\"The server had an error\",\"type\":\"server_error\"}}"));

        InternalServerException failed = assertThrows(InternalServerException.class,
                () -> anthropic.messages().create(ask(Upstreams.OPENAI_MODEL, "break-me")));
        assertEquals(502, failed.statusCode());
    }

    @Test
    void anUpstreamTimeoutIsGatewayTimeoutException() {
        upstreams.whenBodyContains("gemini", "slow-me", aResponse().withStatus(200).withFixedDelay(4000)
                .withHeader("Content-Type", "application/json").withBody("{}"));

        assertThrows(GatewayTimeoutException.class, () -> anthropic.messages().create(ask(Upstreams.GEMINI_MODEL,
                "slow-me")));
    }
}
