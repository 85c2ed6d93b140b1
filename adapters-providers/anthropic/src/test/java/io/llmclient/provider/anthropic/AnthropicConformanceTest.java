package io.llmclient.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.llmclient.provider.anthropic.TestRequests.system;
import static io.llmclient.provider.anthropic.TestRequests.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
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
 * Anthropic against the shared provider suite, each scenario staged on WireMock from the
 * recorded Anthropic fixtures. Where no recording exists (a completion whose stop reason is not
 * end_turn, a 5xx body other than 529's) the staged body is composed in the documented shape
 * from recorded pieces, as noted.
 */
class AnthropicConformanceTest extends HttpProviderConformanceSuite {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    private static final String KEY = "sk-ant-" + "test-canary-conformance-0123456789abcdefghij-KL9Z";
    private static final String PATH = "/v1/messages";

    @RegisterExtension
    static final WireMockExtension ANTHROPIC = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    @Override
    protected LlmProviderFactory factory() {
        return new AnthropicProviderFactory();
    }

    @Override
    protected String key() {
        return KEY;
    }

    @Override
    protected URI upstream() {
        return URI.create(ANTHROPIC.baseUrl());
    }

    @Override
    protected ModelEntry model() {
        return TestRequests.HAIKU;
    }

    private static ChatRequest ask(boolean stream) {
        return ChatRequests.builder().messages(system("Be brief."), user("What is the weather in SF?"))
                .temperature(0.2).stream(stream).context(A2A).build();
    }

    /** Answers requests of one kind: a stream asks for {@code text/event-stream}, a completion for JSON. */
    private static void answer(boolean stream, ResponseDefinitionBuilder response) {
        ANTHROPIC.stubFor(post(urlEqualTo(PATH))
                .withHeader("accept", equalTo(stream ? "text/event-stream" : "application/json"))
                .willReturn(response));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("content-type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder sse(String transcript) {
        return aResponse().withStatus(200).withHeader("content-type", "text/event-stream; charset=utf-8")
                .withHeader("cache-control", "no-cache").withBody(transcript.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Composed: the documented stream {@code messages-stream-docs.sse} as one message object
     * (same id, model, text and counts), with the given stop reason.
     */
    private static String docsAnswerAsMessage(String stopReason) {
        return """
                {"id":"msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY","type":"message","role":"assistant",
                 "content":[{"type":"text","text":"Hello!"}],"model":"claude-sonnet-4-5-20250929",
                 "stop_reason":"%s","stop_sequence":null,"usage":{"input_tokens":25,"output_tokens":15}}"""
                .formatted(stopReason);
    }

    @Override
    protected Staged stageCompletion() {
        answer(false, json(200, FIXTURES.text("messages-response.json")));
        return Staged.answer(ask(false), "The weather in SF is currently **20°C** (68°F) and **Sunny**!", new Usage(705, 25));
    }

    @Override
    protected Staged stageStream() {
        answer(true, sse(FIXTURES.text("messages-stream.sse")));
        return Staged.answer(ask(true), "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- "
                + "**Condition:** Sunny\n\nIt's a nice sunny day!", new Usage(770, 38));
    }

    @Override
    protected ChatRequest stageSameAnswerForCompleteAndStream() {
        answer(false, json(200, docsAnswerAsMessage("end_turn")));
        answer(true, sse(FIXTURES.text("messages-stream-docs.sse")));
        return ask(false);
    }

    @Override
    protected ChatRequest stageFinish(FinishReason reason, boolean stream) {
        String stopReason = switch (reason) {
            case STOP -> "end_turn";
            case LENGTH -> "max_tokens";
            case CONTENT_FILTER -> "refusal";
            case TOOL_CALLS -> "tool_use";
            case ERROR -> notApplicable("error is not a stop reason Anthropic reports");
        };
        if (!stream) {
            answer(false, json(200, docsAnswerAsMessage(stopReason)));
        } else if (reason == FinishReason.TOOL_CALLS) {
            answer(true, sse(FIXTURES.text("messages-stream-tooluse.sse")));
        } else {
            answer(true, sse(FIXTURES.text("messages-stream-docs.sse")
                    .replace("\"stop_reason\": \"end_turn\"", "\"stop_reason\": \"" + stopReason + "\"")));
        }
        return ask(stream);
    }

    @Override
    protected ChatRequest stageBadAuth() {
        answer(false, json(401, FIXTURES.text("error-401.json")));
        return ask(false);
    }

    @Override
    protected ChatRequest stageRateLimit(Duration retryAfter) {
        ResponseDefinitionBuilder response = json(429, FIXTURES.text("error-429.json"))
                .withHeader("x-should-retry", "true")
                .withHeader("retry-after", Long.toString(retryAfter.toSeconds()));
        answer(false, response);
        return ask(false);
    }

    @Override
    protected ChatRequest stageServerError(int status) {
        // Composed: the documented api_error type in the recorded error envelope.
        answer(false, json(status, """
                {"type":"error","error":{"type":"api_error","message":"Internal server error"},
                 "request_id":"req_011CX7J5ZXp3npD8nY7VYZvm"}"""));
        return ask(false);
    }

    @Override
    protected ChatRequest stageFailureAfterFirstChunk() {
        answer(true, sse(FIXTURES.text("messages-stream-error.sse")));
        return ask(true);
    }

    @Override
    protected ChatRequest stageStall(StallPoint where) {
        switch (where) {
            case BEFORE_ANSWER -> {
                answer(false, json(200, FIXTURES.text("messages-response.json")).withFixedDelay(2_000));
                answer(true, sse(FIXTURES.text("messages-stream.sse")).withFixedDelay(2_000));
            }
            case MID_STREAM -> {
                String transcript = FIXTURES.text("messages-stream-docs.sse");
                String firstDelta = transcript.substring(0, transcript.indexOf("event: content_block_delta",
                        transcript.indexOf("\"Hello\"")));
                stallAfter(firstDelta.getBytes(StandardCharsets.UTF_8));
            }
        }
        return ask(where == StallPoint.MID_STREAM);
    }

    // ---- Tool calling (docs/tool-calling.md, "Anthropic") -----------------------------------
    //
    // Staged on the recorded tool exchange: messages-stream-tooluse.sse (the call) and
    // messages-stream.sse (the answer to its result), with the requests checked against
    // messages-stream-request.json. Completions, parallel calls and the JSON-schema answer have
    // no recording and are composed from the recorded pieces (ComposedStreams, below).

    private static final String QUESTION = "What is the weather in SF?";
    private static final ToolDefinition GET_TIME = ToolDefinition.function("get_time", "The time in a time zone",
            Map.of("type", "object", "properties", Map.of("zone", Map.of("type", "string")),
                    "required", List.of("zone")));
    private static final Map<String, Object> ORDER_IDS = Map.of("type", "object",
            "properties", Map.of("ids", Map.of("type", "array", "items", Map.of("type", "integer"))),
            "required", List.of("ids"), "additionalProperties", false);

    private ChatRequest weatherQuestion(Optional<ToolChoice> choice, boolean stream) {
        return toolRequest(QUESTION, List.of(ToolFixtures.getWeather()), choice, Optional.empty(), stream);
    }

    /** A recorded request as this suite's model, default max_tokens and call kind send it. */
    private ObjectNode asSentHere(ObjectNode recorded, boolean stream) {
        recorded.put("model", model().providerModel());
        recorded.put("max_tokens", MaxTokensDefaults.DEFAULT);
        if (!stream) {
            recorded.remove("stream");
        }
        return recorded;
    }

    private static Runnable sent(JsonNode expected) {
        return () -> ANTHROPIC.verify(exactly(1), postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(equalToJson(expected.toString())));
    }

    /** The recorded call: streamed as recorded, or as one message (compact input). */
    private static ToolCall recordedCall(boolean stream) {
        return stream ? ToolFixtures.CALL
                : new ToolCall(ToolFixtures.CALL_ID, "get_weather", "{\"location\":\"San Francisco, CA\",\"units\":\"f\"}");
    }

    /** Serves the recorded call; the request must be the recorded first turn with this tool choice. */
    private ToolStaged recordedCallFor(Optional<ToolChoice> choice, String wireChoice, boolean stream) {
        answer(stream, stream ? sse(FIXTURES.text("messages-stream-tooluse.sse"))
                : json(200, ComposedStreams.recordedCallMessage()));
        ObjectNode expected = asSentHere(ToolFixtures.recordedFirstRequest(), stream);
        expected.set("tool_choice", ProviderFixtures.parse(wireChoice));
        return ToolStaged.answer(weatherQuestion(choice, stream)).withToolCalls(List.of(recordedCall(stream)))
                .withContent("").verifiedBy(sent(expected));
    }

    @Override
    protected ToolStaged stageToolChoiceAuto(boolean stream) {
        return recordedCallFor(Optional.of(ToolChoice.AUTO), "{\"type\":\"auto\"}", stream);
    }

    @Override
    protected ToolStaged stageToolChoiceRequired(boolean stream) {
        return recordedCallFor(Optional.of(ToolChoice.REQUIRED), "{\"type\":\"any\"}", stream);
    }

    @Override
    protected ToolStaged stageNamedToolChoice(boolean stream) {
        return recordedCallFor(Optional.of(new ToolChoice.Named("get_weather")),
                "{\"type\":\"tool\",\"name\":\"get_weather\"}", stream);
    }

    @Override
    protected ToolStaged stageToolChoiceNone(boolean stream) {
        answer(stream, stream ? sse(FIXTURES.text("messages-stream-docs.sse")) : json(200, docsAnswerAsMessage("end_turn")));
        ObjectNode expected = asSentHere(ToolFixtures.recordedFirstRequest(), stream);
        expected.set("tool_choice", ProviderFixtures.parse("{\"type\":\"none\"}"));
        return ToolStaged.answer(weatherQuestion(Optional.of(ToolChoice.NONE), stream)).withToolCalls(List.of())
                .withContent("Hello!").verifiedBy(sent(expected));
    }

    @Override
    protected ToolStaged stageParallelToolCalls(boolean stream) {
        answer(stream, stream ? sse(ComposedStreams.textThenTwoCalls())
                : json(200, ComposedStreams.textThenTwoCallsMessage()));
        ChatRequest request = toolRequest("Weather and time in Paris?", List.of(ToolFixtures.getWeather(), GET_TIME),
                Optional.empty(), Optional.empty(), stream);
        String space = stream ? " " : "";
        return ToolStaged.answer(request).withContent("Checking both.").withToolCalls(List.of(
                new ToolCall("toolu_A", "get_weather", "{\"location\":" + space + "\"Paris\"}"),
                new ToolCall("toolu_B", "get_time", "{\"zone\":" + space + "\"PST\"}")));
    }

    @Override
    protected ToolRoundTrip stageToolRoundTrip(boolean stream) {
        // The follow-up carries tool_result blocks: it gets the recorded final answer.
        ANTHROPIC.stubFor(post(urlEqualTo(PATH)).atPriority(1).withRequestBody(containing("tool_result"))
                .willReturn(stream ? sse(FIXTURES.text("messages-stream.sse"))
                        : json(200, FIXTURES.text("messages-response.json"))));
        answer(stream, stream ? sse(FIXTURES.text("messages-stream-tooluse.sse"))
                : json(200, ComposedStreams.recordedCallMessage()));
        ObjectNode followUp = asSentHere(ToolFixtures.recordedFollowUp(), stream);
        return ToolRoundTrip.of(weatherQuestion(Optional.empty(), stream), call -> ToolFixtures.RESULT)
                .withFinalContent(stream ? ToolFixtures.FINAL_TEXT
                        : "The weather in SF is currently **20°C** (68°F) and **Sunny**!")
                .verifiedBy(sent(followUp));
    }

    @Override
    protected ToolStaged stageJsonObject(boolean stream) {
        return ToolStaged.refused(toolRequest("Reply in JSON.", List.of(), Optional.empty(),
                Optional.of(ResponseFormat.JSON_OBJECT), stream), "response_format");
    }

    @Override
    protected ToolStaged stageJsonSchema(boolean stream) {
        // Composed: the recorded structured-output stream (messages-stream-ga.sse) answering an
        // object schema instead of the recorded array one.
        String transcript = FIXTURES.text("messages-stream-ga.sse")
                .replace("\"text\":\"[\"", "\"text\":\"{\\\"ids\\\":[\"")
                .replace("\"text\":\"67890]\"", "\"text\":\"67890]}\"");
        answer(stream, stream ? sse(transcript) : json(200, """
                {"model":"claude-sonnet-4-5-20250929","id":"msg_013nnniYDrJDocdy5nrMU7cH","type":"message",
                 "role":"assistant","content":[{"type":"text","text":"{\\"ids\\":[12345,67890]}"}],
                 "stop_reason":"end_turn","stop_sequence":null,"usage":{"input_tokens":135,"output_tokens":10}}"""));
        ChatRequest request = toolRequest("Extract order IDs from the following text:\n\nOrder 12345\nOrder 67890",
                List.of(), Optional.empty(), Optional.of(new ResponseFormat.JsonSchema("order_ids", Optional.empty(),
                        ORDER_IDS, true)), stream);
        ObjectNode expected = asSentHere((ObjectNode) FIXTURES.json("messages-stream-ga-request.json"), stream);
        ((ObjectNode) expected.path("output_config").path("format")).set("schema", ProviderFixtures.parse("""
                {"type":"object","properties":{"ids":{"type":"array","items":{"type":"integer"}}},
                 "required":["ids"],"additionalProperties":false}"""));
        return ToolStaged.answer(request).withContent("{\"ids\":[12345,67890]}").withToolCalls(List.of())
                .verifiedBy(sent(expected));
    }

    @Override
    protected ToolStaged stageStreamedToolCallFragments() {
        answer(true, sse(FIXTURES.text("messages-stream-tooluse.sse")));
        return ToolStaged.answer(weatherQuestion(Optional.empty(), true)).withToolCalls(List.of(ToolFixtures.CALL))
                .verifiedBy(sent(asSentHere(ToolFixtures.recordedFirstRequest(), true)));
    }
}
