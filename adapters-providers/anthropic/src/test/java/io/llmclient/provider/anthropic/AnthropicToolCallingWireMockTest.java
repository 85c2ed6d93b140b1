package io.llmclient.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.exactly;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static io.llmclient.provider.anthropic.TestRequests.A2A;
import static io.llmclient.provider.anthropic.TestRequests.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool calling against WireMock standing in for {@code api.anthropic.com}: the exact wire request
 * for tools, each tool choice, the response format, tool calls and tool results in the history,
 * and the exact domain result of the recorded tool_use stream (served byte for byte).
 */
class AnthropicToolCallingWireMockTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    private static final String KEY = "sk-ant-" + "test-canary-CANARY-not-a-real-key-00000000-toolcalling-test-QX7Q";
    private static final String PATH = "/v1/messages";
    private static final Duration HANG_GUARD = Duration.ofSeconds(15);
    /** The model the recorded exchanges were sent to, by its alias. */
    private static final ModelEntry HAIKU_45 = new ModelEntry("claude-haiku-4-5", ProviderId.ANTHROPIC, ModelTier.FAST,
            "claude-haiku-4-5");
    private static final ModelEntry SONNET_45 = new ModelEntry("claude-sonnet-4-5", ProviderId.ANTHROPIC,
            ModelTier.BALANCED, "claude-sonnet-4-5");
    private static final String QUESTION = "What is the weather in SF?";

    @RegisterExtension
    static final WireMockExtension UPSTREAM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort())
            .build();

    private static LlmProvider provider() {
        return new AnthropicProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.ANTHROPIC)
                .apiKey(KEY).baseUrl(UPSTREAM.baseUrl()).connectTimeout(Duration.ofSeconds(2))
                .requestTimeout(Duration.ofSeconds(10)).build());
    }

    private static ChatRequest request(List<Message> messages, List<ToolDefinition> tools, Optional<ToolChoice> choice,
                                       Optional<ResponseFormat> format, boolean stream) {
        return ChatRequests.builder().messages(messages).maxTokens(1024).stream(stream).context(A2A).tools(tools)
                .toolChoice(choice).responseFormat(format).build();
    }

    /** The recorded first turn: the question, with {@code get_weather} declared. */
    private static ChatRequest question(Optional<ToolChoice> choice, boolean stream) {
        return request(List.of(user(QUESTION)), List.of(ToolFixtures.getWeather()), choice, Optional.empty(), stream);
    }

    /** The recorded second turn: the question, the call, its result. */
    private static ChatRequest followUp(ToolCall call, boolean stream) {
        return request(List.of(user(QUESTION), Message.assistantCalling("", List.of(call)),
                        Message.toolResult(call.id(), ToolFixtures.RESULT)),
                List.of(ToolFixtures.getWeather()), Optional.empty(), Optional.empty(), stream);
    }

    private static ResponseDefinitionBuilder sse(byte[] transcript) {
        return aResponse().withStatus(200).withHeader("content-type", "text/event-stream; charset=utf-8")
                .withBody(transcript);
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("content-type", "application/json").withBody(body);
    }

    private static void answer(ResponseDefinitionBuilder response) {
        UPSTREAM.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private static void verifySent(String expectedJson) {
        UPSTREAM.verify(exactly(1), postRequestedFor(urlEqualTo(PATH))
                .withHeader("x-api-key", equalTo(KEY))
                .withRequestBody(equalToJson(expectedJson)));
    }

    private static List<StreamEvent> stream(ChatRequest request, ModelEntry model) {
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        assertTimeoutPreemptively(HANG_GUARD, () -> provider().stream(request, new CallContext(model, A2A), events::add));
        return events.stream().map(event -> event instanceof StreamEvent.Completed done
                ? new StreamEvent.Completed(done.response().withLatency(Duration.ZERO)) : event).toList();
    }

    private static ChatResponse complete(ChatRequest request, ModelEntry model) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> provider().complete(request, new CallContext(model, A2A)))
                .withLatency(Duration.ZERO);
    }

    private static ChatResponse response(String id, String providerModel, String content, List<ToolCall> calls,
                                         FinishReason finish, Usage usage) {
        return ChatResponses.builder().id(id).model(HAIKU_45.id()).providerModel(providerModel)
                .provider(ProviderId.ANTHROPIC).content(content).toolCalls(calls).finishReason(finish).usage(usage)
                .traceId("t-123").build();
    }

    // ---- the recorded exchange ----------------------------------------------------------------

    @Test
    void theRecordedFirstTurnIsSentExactlyAndItsCallStreamsAsTheRecordedFragments() {
        answer(sse(FIXTURES.bytes("messages-stream-tooluse.sse")));

        List<StreamEvent> events = stream(question(Optional.empty(), true), HAIKU_45);

        verifySent(ToolFixtures.recordedFirstRequest().toString());
        List<StreamEvent> expected = new ArrayList<>(ToolFixtures.recordedCallEvents(0));
        expected.add(new StreamEvent.Completed(response("msg_01AusY9WEbCaj3N7Tv5J4YjH", "claude-haiku-4-5-20251001",
                "", List.of(ToolFixtures.CALL), FinishReason.TOOL_CALLS, new Usage(656, 74))));
        assertEquals(expected, events);
    }

    @Test
    void theRecordedToolResultTurnIsSentExactlyAsToolUseAndToolResultBlocks() {
        answer(sse(FIXTURES.bytes("messages-stream.sse")));

        List<StreamEvent> events = stream(followUp(ToolFixtures.CALL, true), HAIKU_45);

        verifySent(ToolFixtures.recordedFollowUp().toString());
        assertEquals(new StreamEvent.Completed(response("msg_016HxyUMAncysqX7dn1kWNRx", "claude-haiku-4-5-20251001",
                ToolFixtures.FINAL_TEXT, List.of(), FinishReason.STOP, new Usage(770, 38))), events.getLast());
    }

    @Test
    void aCompletedToolUseAnswerBecomesTheCallWithItsInputAsCompactJson() {
        answer(json(ComposedStreams.recordedCallMessage()));

        ChatResponse result = complete(question(Optional.empty(), false), HAIKU_45);

        var expectedBody = ToolFixtures.recordedFirstRequest();
        expectedBody.remove("stream");
        verifySent(expectedBody.toString());
        assertEquals(response("msg_01AusY9WEbCaj3N7Tv5J4YjH", "claude-haiku-4-5-20251001", "",
                List.of(new ToolCall(ToolFixtures.CALL_ID, "get_weather",
                        "{\"location\":\"San Francisco, CA\",\"units\":\"f\"}")),
                FinishReason.TOOL_CALLS, new Usage(656, 74)), result);
    }

    // ---- tool choice --------------------------------------------------------------------------

    static Stream<Arguments> toolChoices() {
        return Stream.of(
                Arguments.of(ToolChoice.AUTO, "{\"type\":\"auto\"}"),
                Arguments.of(ToolChoice.REQUIRED, "{\"type\":\"any\"}"),
                Arguments.of(new ToolChoice.Named("get_weather"), "{\"type\":\"tool\",\"name\":\"get_weather\"}"),
                Arguments.of(ToolChoice.NONE, "{\"type\":\"none\"}"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("toolChoices")
    void eachToolChoiceIsSentInAnthropicsShape(ToolChoice choice, String wire) {
        answer(sse(FIXTURES.bytes("messages-stream-tooluse.sse")));

        stream(question(Optional.of(choice), true), HAIKU_45);

        var expected = ToolFixtures.recordedFirstRequest();
        expected.set("tool_choice", ProviderFixtures.parse(wire));
        verifySent(expected.toString());
    }

    @Test
    void withoutAToolChoiceNoneIsSentAndAnthropicDefaultsToAuto() {
        answer(sse(FIXTURES.bytes("messages-stream-tooluse.sse")));

        stream(question(Optional.empty(), true), HAIKU_45);

        verifySent(ToolFixtures.recordedFirstRequest().toString());
    }

    // ---- parallel calls -----------------------------------------------------------------------

    @Test
    void parallelCallsStreamedAfterTextKeepTheirOrderAndGetIndexesByCallNotByBlock() {
        answer(sse(ComposedStreams.textThenTwoCalls().getBytes(StandardCharsets.UTF_8)));

        List<StreamEvent> events = stream(question(Optional.empty(), true), HAIKU_45);

        List<ToolCall> calls = List.of(new ToolCall("toolu_A", "get_weather", "{\"location\": \"Paris\"}"),
                new ToolCall("toolu_B", "get_time", "{\"zone\": \"PST\"}"));
        assertEquals(List.of(
                new StreamEvent.Delta("Checking both."),
                StreamEvent.ToolCallDelta.start(0, "toolu_A", "get_weather", ""),
                StreamEvent.ToolCallDelta.arguments(0, "{\"location\": "),
                StreamEvent.ToolCallDelta.arguments(0, "\"Paris\"}"),
                StreamEvent.ToolCallDelta.start(1, "toolu_B", "get_time", ""),
                StreamEvent.ToolCallDelta.arguments(1, "{\"zone\": \"PST\"}"),
                new StreamEvent.Completed(response("msg_01AusY9WEbCaj3N7Tv5J4YjH", "claude-haiku-4-5-20251001",
                        "Checking both.", calls, FinishReason.TOOL_CALLS, new Usage(656, 90)))), events);
    }

    @Test
    void parallelCallsInACompletionKeepTheirOrder() {
        answer(json(ComposedStreams.textThenTwoCallsMessage()));

        ChatResponse result = complete(question(Optional.empty(), false), HAIKU_45);

        assertEquals(List.of(new ToolCall("toolu_A", "get_weather", "{\"location\":\"Paris\"}"),
                new ToolCall("toolu_B", "get_time", "{\"zone\":\"PST\"}")), result.toolCalls());
        assertEquals("Checking both.", result.content());
        assertEquals(FinishReason.TOOL_CALLS, result.finishReason());
    }

    // ---- history ------------------------------------------------------------------------------

    @Test
    void consecutiveToolResultsBecomeOneUserTurnInOrderFollowedByUserText() {
        answer(sse(FIXTURES.bytes("messages-stream-docs.sse")));
        ToolCall weather = new ToolCall("toolu_A", "get_weather", "{\"location\":\"Paris\"}");
        ToolCall time = new ToolCall("toolu_B", "get_time", "{}");
        ChatRequest request = request(List.of(user("Weather and time in Paris?"),
                        Message.assistantCalling("Checking both.", List.of(weather, time)),
                        Message.toolResult("toolu_B", "12:00"), Message.toolResult("toolu_A", "Sunny"),
                        user("Answer in one line.")),
                List.of(ToolFixtures.getWeather()), Optional.empty(), Optional.empty(), true);

        stream(request, HAIKU_45);

        var expected = ToolFixtures.recordedFirstRequest();
        expected.set("messages", ProviderFixtures.parse("""
                [{"role":"user","content":"Weather and time in Paris?"},
                 {"role":"assistant","content":[{"type":"text","text":"Checking both."},
                   {"type":"tool_use","id":"toolu_A","name":"get_weather","input":{"location":"Paris"}},
                   {"type":"tool_use","id":"toolu_B","name":"get_time","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_B","content":"12:00"},
                   {"type":"tool_result","tool_use_id":"toolu_A","content":"Sunny"},
                   {"type":"text","text":"Answer in one line."}]}]"""));
        verifySent(expected.toString());
    }

    @Test
    void aHistoryWithCallsButNoToolsDeclaresTheCalledFunctionsWithToolChoiceNone() {
        answer(sse(FIXTURES.bytes("messages-stream.sse")));
        ChatRequest request = request(List.of(user(QUESTION), Message.assistantCalling("", List.of(ToolFixtures.CALL)),
                Message.toolResult(ToolFixtures.CALL_ID, ToolFixtures.RESULT)), List.of(), Optional.empty(),
                Optional.empty(), true);

        stream(request, HAIKU_45);

        var expected = ToolFixtures.recordedFollowUp();
        expected.set("tools", ProviderFixtures.parse("[{\"name\":\"get_weather\",\"input_schema\":{\"type\":\"object\"}}]"));
        expected.set("tool_choice", ProviderFixtures.parse("{\"type\":\"none\"}"));
        verifySent(expected.toString());
    }

    @Test
    void historyArgumentsThatAreNotAJsonObjectAreRefusedNamingThemBeforeAnythingIsSent() {
        ChatRequest request = request(List.of(user(QUESTION),
                        Message.assistantCalling("", List.of(new ToolCall("toolu_X", "get_weather", "{\"location\":"))),
                        Message.toolResult("toolu_X", "?")),
                List.of(ToolFixtures.getWeather()), Optional.empty(), Optional.empty(), false);

        LlmFailure failure = assertThrows(LlmFailureException.class,
                () -> provider().complete(request, new CallContext(HAIKU_45, A2A))).failure();

        assertEquals(new LlmFailure.InvalidParams(List.of(new FieldError("messages[1].tool_calls[0].function.arguments",
                "must be a JSON object: Anthropic takes a tool call's input as an object"))), failure);
        UPSTREAM.verify(exactly(0), anyRequestedFor(anyUrl()));
    }

    // ---- response format ----------------------------------------------------------------------

    @Test
    void aJsonSchemaResponseFormatIsSentAsTheRecordedStructuredOutputRequest() {
        answer(sse(FIXTURES.bytes("messages-stream-ga.sse")));
        var schema = Map.<String, Object>of("type", "array", "items", Map.of("type", "integer"));
        ChatRequest request = request(List.of(user("Extract order IDs from the following text:\n\nOrder 12345\nOrder 67890")),
                List.of(), Optional.empty(),
                Optional.of(new ResponseFormat.JsonSchema("order_ids", Optional.empty(), schema, true)), true);

        List<StreamEvent> events = stream(request, SONNET_45);

        verifySent(FIXTURES.text("messages-stream-ga-request.json"));
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast());
        assertEquals("[12345,67890]", completed.response().content());
        assertEquals(FinishReason.STOP, completed.response().finishReason());
    }

    @Test
    void aTextResponseFormatSendsNothing() {
        answer(sse(FIXTURES.bytes("messages-stream-tooluse.sse")));
        ChatRequest request = request(List.of(user(QUESTION)), List.of(ToolFixtures.getWeather()), Optional.empty(),
                Optional.of(ResponseFormat.TEXT), true);

        stream(request, HAIKU_45);

        verifySent(ToolFixtures.recordedFirstRequest().toString());
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void jsonModeIsRefusedNamingResponseFormatBeforeAnythingIsSentOrStreamed(boolean streamed) {
        ChatRequest request = request(List.of(user("Reply in JSON.")), List.of(), Optional.empty(),
                Optional.of(ResponseFormat.JSON_OBJECT), streamed);
        List<StreamEvent> events = Collections.synchronizedList(new ArrayList<>());
        CallContext context = new CallContext(HAIKU_45, A2A);

        LlmFailure failure = assertThrows(LlmFailureException.class, () -> {
            if (streamed) {
                provider().stream(request, context, events::add);
            } else {
                provider().complete(request, context);
            }
        }).failure();

        assertEquals(new LlmFailure.InvalidParams(List.of(new FieldError("response_format",
                "json_object is not supported by Anthropic, which has no JSON mode without a schema; use json_schema"))),
                failure);
        assertEquals(List.of(), events);
        UPSTREAM.verify(exactly(0), anyRequestedFor(anyUrl()));
    }
}
