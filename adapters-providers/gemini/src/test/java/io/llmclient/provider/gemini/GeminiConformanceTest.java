package io.llmclient.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.conformance.HttpProviderConformanceSuite;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.conformance.Staged;
import io.llmclient.provider.conformance.StallPoint;
import io.llmclient.provider.conformance.ToolRoundTrip;
import io.llmclient.provider.conformance.ToolStaged;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Gemini against the shared provider suite, each scenario staged on WireMock from the recorded
 * Gemini fixtures. Where no recording exists (a 5xx body, a completion identical to the recorded
 * stream) the staged body is composed from recorded pieces, as noted.
 */
class GeminiConformanceTest extends HttpProviderConformanceSuite {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.GEMINI);

    private static final String KEY = "AIza" + "-test-canary-conformance-0123456789WXYZ";
    private static final ModelEntry MODEL = ModelEntry.of("gemini-1.5-flash", ProviderId.GEMINI, ModelTier.FAST);
    private static final String GENERATE = "/v1beta/models/gemini-1.5-flash:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-1.5-flash:streamGenerateContent";
    private static final String SEPARATOR = "\r\n\r\n";
    private static final List<String> EVENTS = List.of(FIXTURES.text("stream.sse").split(SEPARATOR));
    private static final String STREAM_TEXT = EVENTS.stream()
            .map(event -> ProviderFixtures.parse(event.substring("data: ".length())).at("/candidates/0/content/parts/0/text")
                    .asText())
            .reduce("", String::concat);

    @RegisterExtension
    static final WireMockExtension GEMINI = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort())
            .build();

    @Override
    protected LlmProviderFactory factory() {
        return new GeminiProviderFactory();
    }

    @Override
    protected String key() {
        return KEY;
    }

    @Override
    protected URI upstream() {
        return URI.create(GEMINI.baseUrl());
    }

    @Override
    protected ModelEntry model() {
        return MODEL;
    }

    @Override
    protected int badAuthStatus() {
        // Recorded in error-400-api-key-invalid.json: Gemini answers a wrong key with 400, not 401.
        return 400;
    }

    private static ChatRequest request() {
        return ChatRequest.of(MODEL.id(), List.of(new Message(Role.USER, "high")), A2A);
    }

    private static void onGenerate(ResponseDefinitionBuilder response) {
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(response));
    }

    private static void onStream(ResponseDefinitionBuilder response) {
        GEMINI.stubFor(post(urlPathEqualTo(STREAM)).willReturn(response));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(body.getBytes(StandardCharsets.UTF_8));
    }

    private static String events(int count) {
        return String.join(SEPARATOR, EVENTS.subList(0, count)) + SEPARATOR;
    }

    private static String geminiFinish(FinishReason reason) {
        return switch (reason) {
            case STOP -> "STOP";
            case LENGTH -> "MAX_TOKENS";
            case CONTENT_FILTER -> "SAFETY";
            // Gemini has no tool-call finish reason (a functionCall part ends with STOP): stageFinish serves the
            // recorded function call instead.
            case TOOL_CALLS -> throw new IllegalArgumentException("tool_calls is staged from a functionCall fixture");
            case ERROR -> notApplicable("the suite does not stage error");
        };
    }

    @Override
    protected Staged stageCompletion() {
        onGenerate(json(200, FIXTURES.text("generate-response.json")));
        return Staged.answer(request(), "low", new Usage(9, 1 + 20));
    }

    @Override
    protected Staged stageStream() {
        onStream(sse(FIXTURES.text("stream.sse")));
        return Staged.answer(request(), STREAM_TEXT, new Usage(20, 253 + 260));
    }

    @Override
    protected ChatRequest stageSameAnswerForCompleteAndStream() {
        onStream(sse(FIXTURES.text("stream.sse")));
        // Composed: the stream's last event (finishReason and final usage) carrying the whole text is
        // what generateContent answers for the same run.
        ObjectNode whole = (ObjectNode) ProviderFixtures.parse(EVENTS.getLast().substring("data: ".length()));
        ((ObjectNode) whole.at("/candidates/0/content/parts/0")).put("text", STREAM_TEXT);
        onGenerate(json(200, whole.toString()));
        return request();
    }

    @Override
    protected ChatRequest stageFinish(FinishReason reason, boolean stream) {
        if (reason == FinishReason.TOOL_CALLS) {
            serve(stream, "generate-response-function-call.json", "stream-function-call.sse");
            return request();
        }
        String wire = geminiFinish(reason);
        if (stream) {
            onStream(sse(FIXTURES.text("stream.sse").replace("\"finishReason\": \"STOP\"", "\"finishReason\": \"" + wire + "\"")));
        } else {
            onGenerate(json(200, FIXTURES.text("generate-response.json")
                    .replace("\"finishReason\": \"STOP\"", "\"finishReason\": \"" + wire + "\"")));
        }
        return request();
    }

    @Override
    protected ChatRequest stageBadAuth() {
        onGenerate(json(400, FIXTURES.text("error-400-api-key-invalid.json")));
        return request();
    }

    @Override
    protected ChatRequest stageRateLimit(Duration retryAfter) {
        onGenerate(json(429, FIXTURES.text("error-429.json")
                .replace("\"retryDelay\": \"56s\"", "\"retryDelay\": \"" + retryAfter.toSeconds() + "s\"")));
        return request();
    }

    @Override
    protected ChatRequest stageServerError(int status) {
        // Composed: no recorded Gemini 5xx body exists; the google.rpc.Status envelope of the recorded errors
        // with the status names of Google's troubleshooting table.
        String name = status == 503 ? "UNAVAILABLE" : "INTERNAL";
        onGenerate(json(status, "{\"error\":{\"code\":" + status + ",\"message\":\"An internal error has occurred.\","
                + "\"status\":\"" + name + "\"}}"));
        return request();
    }

    @Override
    protected ChatRequest stageFailureAfterFirstChunk() {
        // The recorded stream cut after its second event: no finishReason ever arrives.
        onStream(sse(events(2)));
        return request();
    }

    @Override
    protected ChatRequest stageStall(StallPoint where) {
        switch (where) {
            case BEFORE_ANSWER -> {
                onGenerate(json(200, FIXTURES.text("generate-response.json")).withFixedDelay(5_000));
                onStream(sse(FIXTURES.text("stream.sse")).withFixedDelay(5_000));
            }
            // WireMock sleeps before its first dribbled chunk too; StallingUpstream sends one chunk at once.
            case MID_STREAM -> stallAfter(events(1).getBytes(StandardCharsets.UTF_8));
        }
        return request();
    }

    // ---- Tool calling (fixtures and their provenance: fixtures/gemini/SOURCES.md) ---------

    private static final String LIGHT_PROMPT = "control the light to warm, 50";
    private static final String LIGHT_RESULT = "{\"brightness\":50,\"colorTemperature\":\"warm\"}";
    /** The lighting tools of the cookbook's function-calling-config notebook. */
    private static final List<ToolDefinition> LIGHTING_TOOLS = List.of(
            ToolDefinition.function("enable_lights", "Turn on the lighting system.", ToolDefinition.NO_PARAMETERS),
            ToolDefinition.function("set_light_color", "Set the light color. Lights must be enabled for this to work.",
                    GeminiToolCallingTest.schema(ProviderFixtures.parse("""
                            {"type":"object","properties":{"rgb_hex":{"type":"string","description":
                             "The light color as a 6-digit hex string, e.g. ff0000 for red."}},"required":["rgb_hex"]}"""))),
            ToolDefinition.function("stop_lights", "Turn off the lighting system.", ToolDefinition.NO_PARAMETERS));
    private static final ResponseFormat.JsonSchema REPLY_SCHEMA = new ResponseFormat.JsonSchema("reply", Optional.empty(),
            GeminiToolCallingTest.schema(ProviderFixtures.parse(
                    "{\"type\":\"object\",\"properties\":{\"reply\":{\"type\":\"string\"}},\"required\":[\"reply\"]}")),
            true);

    private static String path(boolean stream) {
        return stream ? STREAM : GENERATE;
    }

    /** Serves a JSON fixture (complete) or, streamed, the SSE fixture of the same answer. */
    private static void serve(boolean stream, String jsonFixture, String sseFixture) {
        if (stream) {
            onStream(sse(FIXTURES.text(sseFixture)));
        } else {
            onGenerate(json(200, FIXTURES.text(jsonFixture)));
        }
    }

    /** Checks afterwards that Gemini received exactly {@code body}. */
    private static Runnable received(boolean stream, JsonNode body) {
        return () -> GEMINI.verify(1, postRequestedFor(urlPathEqualTo(path(stream)))
                .withRequestBody(equalToJson(body.toString())));
    }

    private static JsonNode lightBodyWith(Map<String, Object> functionCallingConfig) {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-request-function-call.json");
        body.putObject("toolConfig").set("functionCallingConfig", new ObjectMapper().valueToTree(functionCallingConfig));
        return body;
    }

    private ToolStaged.Answer lightCall(ToolChoice choice, Map<String, Object> wireConfig, boolean stream) {
        serve(stream, "generate-response-function-call.json", "stream-function-call.sse");
        ChatRequest request = toolRequest(LIGHT_PROMPT, List.of(GeminiToolCallingTest.CONTROL_LIGHT),
                Optional.of(choice), Optional.empty(), stream);
        return ToolStaged.answer(request).withToolCalls(List.of(GeminiToolCallingTest.RECORDED_CALL)).withContent("")
                .verifiedBy(received(stream, lightBodyWith(wireConfig)));
    }

    @Override
    protected ToolStaged stageToolChoiceAuto(boolean stream) {
        return lightCall(ToolChoice.AUTO, Map.of("mode", "AUTO"), stream);
    }

    @Override
    protected ToolStaged stageToolChoiceRequired(boolean stream) {
        return lightCall(ToolChoice.REQUIRED, Map.of("mode", "ANY"), stream);
    }

    @Override
    protected ToolStaged stageNamedToolChoice(boolean stream) {
        return lightCall(new ToolChoice.Named("controlLight"),
                Map.of("mode", "ANY", "allowedFunctionNames", List.of("controlLight")), stream);
    }

    @Override
    protected ToolStaged stageToolChoiceNone(boolean stream) {
        serve(stream, "generate-response.json", "stream.sse");
        ChatRequest request = toolRequest(LIGHT_PROMPT, List.of(GeminiToolCallingTest.CONTROL_LIGHT),
                Optional.of(ToolChoice.NONE), Optional.empty(), stream);
        return ToolStaged.answer(request).withContent(stream ? STREAM_TEXT : "low")
                .verifiedBy(received(stream, lightBodyWith(Map.of("mode", "NONE"))));
    }

    @Override
    protected ToolStaged stageParallelToolCalls(boolean stream) {
        serve(stream, "generate-response-parallel-function-calls.json", "stream-parallel-function-calls.sse");
        ChatRequest request = toolRequest("Light this place up in purple!", LIGHTING_TOOLS, Optional.empty(),
                Optional.empty(), stream);
        return ToolStaged.answer(request).withToolCalls(GeminiToolCallingTest.PARALLEL_CALLS);
    }

    @Override
    protected ToolRoundTrip stageToolRoundTrip(boolean stream) {
        serve(stream, "generate-response-function-call.json", "stream-function-call.sse");
        // The follow-up (the one that carries a functionResponse) gets the recorded final answer; streamed, that
        // answer is composed as one event of its compact JSON.
        String answer = FIXTURES.text("generate-response-after-function-response.json");
        GEMINI.stubFor(post(urlPathEqualTo(path(stream))).atPriority(1)
                .withRequestBody(containing("functionResponse"))
                .willReturn(stream ? sse("data: " + ProviderFixtures.parse(answer) + SEPARATOR) : json(200, answer)));
        ChatRequest first = toolRequest(LIGHT_PROMPT, List.of(GeminiToolCallingTest.CONTROL_LIGHT),
                Optional.of(ToolChoice.AUTO), Optional.empty(), stream);
        return ToolRoundTrip.of(first, call -> LIGHT_RESULT)
                .withFinalContent(FIXTURES.json("generate-response-after-function-response.json")
                        .at("/candidates/0/content/parts/0/text").asText())
                .verifiedBy(received(stream, FIXTURES.json("generate-request-tool-round-trip.json")));
    }

    @Override
    protected ToolStaged stageJsonObject(boolean stream) {
        serve(stream, "generate-response-json.json", "stream-json.sse");
        ChatRequest request = toolRequest("high", List.of(), Optional.empty(), Optional.of(ResponseFormat.JSON_OBJECT),
                stream);
        return ToolStaged.answer(request).withContent("{\"reply\":\"low\"}").verifiedBy(received(stream,
                ProviderFixtures.parse("{\"contents\":[{\"parts\":[{\"text\":\"high\"}],\"role\":\"user\"}],"
                        + "\"generationConfig\":{\"responseMimeType\":\"application/json\"}}")));
    }

    @Override
    protected ToolStaged stageJsonSchema(boolean stream) {
        serve(stream, "generate-response-json.json", "stream-json.sse");
        ChatRequest request = toolRequest("high", List.of(), Optional.empty(), Optional.of(REPLY_SCHEMA), stream);
        ObjectNode body = (ObjectNode) ProviderFixtures.parse("{\"contents\":[{\"parts\":[{\"text\":\"high\"}],"
                + "\"role\":\"user\"}],\"generationConfig\":{\"responseMimeType\":\"application/json\"}}");
        ((ObjectNode) body.get("generationConfig")).set("responseJsonSchema",
                new ObjectMapper().valueToTree(REPLY_SCHEMA.schema()));
        return ToolStaged.answer(request).withContent("{\"reply\":\"low\"}").verifiedBy(received(stream, body));
    }

    @Override
    protected ToolStaged stageStreamedToolCallFragments() {
        return notApplicable("Gemini sends each functionCall part whole, its args an object: the Gemini API has no "
                + "argument streaming (streamFunctionCallArguments/partialArgs are Vertex AI only), so each call is "
                + "one fragment (GeminiToolCallingTest)");
    }
}
