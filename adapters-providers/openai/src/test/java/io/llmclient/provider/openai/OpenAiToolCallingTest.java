package io.llmclient.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent.ToolCallDelta;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Tool calling and structured output against WireMock standing in for api.openai.com: the exact
 * body each variant sends (OpenAI's shapes pass through), and the exact domain result of the
 * recorded tool-call streams and of completions composed from them.
 */
class OpenAiToolCallingTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private static final String KEY = "sk-test-tools-0123456789WXYZ";
    private static final String PATH = "/v1/chat/completions";
    private static final Duration TIMEOUT = Duration.ofSeconds(5);
    private static final Duration HANG_GUARD = Duration.ofSeconds(20);
    private static final String WEATHER_USER = "{\"role\": \"user\", \"content\": \"What's the weather like in SF?\"}";

    @RegisterExtension
    static final WireMockExtension OPENAI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static LlmProvider provider() {
        return new OpenAiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.OPENAI).apiKey(KEY)
                .baseUrl(OPENAI.baseUrl() + "/v1").connectTimeout(Duration.ofSeconds(2)).requestTimeout(TIMEOUT)
                .build());
    }

    private static void answer(ResponseDefinitionBuilder response) {
        OPENAI.stubFor(post(urlEqualTo(PATH)).willReturn(response));
    }

    private static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ChatResponse complete(ChatRequest request) {
        return assertTimeoutPreemptively(HANG_GUARD, () -> provider().complete(request, TestRequests.CONTEXT))
                .withLatency(Duration.ZERO);
    }

    private static List<StreamEvent> stream(ChatRequest request) {
        List<StreamEvent> events = new ArrayList<>();
        assertTimeoutPreemptively(HANG_GUARD, () -> provider().stream(request, TestRequests.CONTEXT, events::add));
        return events;
    }

    private static void sent(String body) {
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson(body)));
    }

    private static ChatResponse calling(String id, List<ToolCall> calls, Usage usage) {
        return ChatResponses.builder().id(id).model("gpt-4.1-mini").providerModel("gpt-4o-2024-08-06")
                .provider(ProviderId.OPENAI).content("").toolCalls(calls).finishReason(FinishReason.TOOL_CALLS)
                .usage(usage).traceId("t-123").build();
    }

    // ---- The request: each field as OpenAI takes it ---------------------------------------

    @Test
    void toolsAndAToolChoiceOfAutoAreSentAsDeclared() {
        answer(json(ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), "tool_calls")));
        complete(ToolFixtures.weatherTools(Optional.of(ToolChoice.AUTO), false));
        sent("{\"model\": \"gpt-4.1-mini\", \"messages\": [" + WEATHER_USER + "], \"tools\": ["
                + ToolFixtures.GET_WEATHER_WIRE + "], \"tool_choice\": \"auto\"}");
    }

    @Test
    void toolChoiceNoneIsSent() {
        answer(json(FIXTURES.text("chat-response-recorded.json")));
        complete(ToolFixtures.weatherTools(Optional.of(ToolChoice.NONE), false));
        sent("{\"model\": \"gpt-4.1-mini\", \"messages\": [" + WEATHER_USER + "], \"tools\": ["
                + ToolFixtures.GET_WEATHER_WIRE + "], \"tool_choice\": \"none\"}");
    }

    @Test
    void toolChoiceRequiredIsSent() {
        answer(json(ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), "stop")));
        complete(ToolFixtures.weatherTools(Optional.of(ToolChoice.REQUIRED), false));
        sent("{\"model\": \"gpt-4.1-mini\", \"messages\": [" + WEATHER_USER + "], \"tools\": ["
                + ToolFixtures.GET_WEATHER_WIRE + "], \"tool_choice\": \"required\"}");
    }

    @Test
    void aNamedToolChoiceIsSentAsAFunctionObject() {
        answer(json(ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), "stop")));
        complete(ToolFixtures.weatherTools(Optional.of(new ToolChoice.Named("get_weather")), false));
        sent("{\"model\": \"gpt-4.1-mini\", \"messages\": [" + WEATHER_USER + "], \"tools\": ["
                + ToolFixtures.GET_WEATHER_WIRE + "], \"tool_choice\": {\"type\": \"function\", "
                + "\"function\": {\"name\": \"get_weather\"}}}");
    }

    @Test
    void noToolChoiceSendsNoneAndLeavesOpenAisDefault() {
        answer(sse(FIXTURES.text("chat-stream-toolcall.sse")));
        stream(ToolFixtures.weatherTools(Optional.empty(), true));
        sent("{\"model\": \"gpt-4.1-mini\", \"messages\": [" + WEATHER_USER + "], \"tools\": ["
                + ToolFixtures.GET_WEATHER_WIRE + "], \"stream\": true, \"stream_options\": {\"include_usage\": true}}");
    }

    @Test
    void twoToolsWithDescriptionsAreSentInTheirOrder() {
        answer(sse(FIXTURES.text("chat-stream-toolcall-parallel.sse")));
        stream(ToolFixtures.parallelTools(true));
        sent("""
                {"model": "gpt-4.1-mini",
                 "messages": [{"role": "user", "content": "What's the weather like in Edinburgh?"},
                              {"role": "user", "content": "What's the price of AAPL?"}],
                 "tools": [
                   {"type": "function", "function": {"name": "GetWeatherArgs",
                     "description": "Get the temperature for the given country/city combo",
                     "parameters": {"type": "object",
                       "properties": {"city": {"type": "string"}, "country": {"type": "string"},
                                      "units": {"enum": ["c", "f"]}},
                       "required": ["city", "country", "units"], "additionalProperties": false},
                     "strict": true}},
                   {"type": "function", "function": {"name": "get_stock_price",
                     "description": "Fetch the latest price for a given ticker",
                     "parameters": {"type": "object",
                       "properties": {"ticker": {"type": "string"}, "exchange": {"type": "string"}},
                       "required": ["ticker", "exchange"], "additionalProperties": false},
                     "strict": true}}],
                 "stream": true, "stream_options": {"include_usage": true}}""");
    }

    @Test
    void jsonModeIsSentAsResponseFormatJsonObject() {
        answer(json(ToolFixtures.textCompletion("{\"reply\": \"sunny\"}")));
        complete(ToolFixtures.request(List.of(new Message(Role.USER, "Weather in SF as JSON")), List.of(),
                Optional.empty(), Optional.of(ResponseFormat.JSON_OBJECT), false));
        sent("""
                {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Weather in SF as JSON"}],
                 "response_format": {"type": "json_object"}}""");
    }

    @Test
    void aJsonSchemaIsSentWithItsNameDescriptionSchemaAndStrict() {
        answer(json(ToolFixtures.textCompletion("{\"city\":\"San Francisco\",\"temperature\":18}")));
        var format = new ResponseFormat.JsonSchema("weather", Optional.of("The weather of a city"),
                ToolFixtures.ordered("type", "object",
                        "properties", ToolFixtures.ordered("city", java.util.Map.of("type", "string"),
                                "temperature", java.util.Map.of("type", "number")),
                        "required", List.of("city", "temperature"), "additionalProperties", false), true);
        complete(ToolFixtures.request(List.of(new Message(Role.USER, "Weather in SF")), List.of(), Optional.empty(),
                Optional.of(format), false));
        sent("""
                {"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "Weather in SF"}],
                 "response_format": {"type": "json_schema", "json_schema": {"name": "weather",
                   "description": "The weather of a city",
                   "schema": {"type": "object",
                              "properties": {"city": {"type": "string"}, "temperature": {"type": "number"}},
                              "required": ["city", "temperature"], "additionalProperties": false},
                   "strict": true}}}""");
    }

    @Test
    void aToolRoundTripSendsTheAssistantCallsWithNullContentAndEachResultByItsId() {
        answer(json(FIXTURES.text("chat-response-recorded.json")));
        var followUp = ToolFixtures.request(List.of(
                        new Message(Role.USER, "What's the weather like in Edinburgh?"),
                        new Message(Role.USER, "What's the price of AAPL?"),
                        Message.assistantCalling("", ToolFixtures.PARALLEL_CALLS),
                        Message.toolResult("call_DNYTawLBoN8fj3KN6qU9N1Ou", "{\"price\": 227.5}"),
                        Message.toolResult("call_JMW1whyEaYG438VE1OIflxA2", "{\"temperature\": 12}")),
                ToolFixtures.PARALLEL_TOOLS, Optional.empty(), Optional.empty(), false);
        complete(followUp);
        OPENAI.verify(1, postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {"messages": [
                   {"role": "user", "content": "What's the weather like in Edinburgh?"},
                   {"role": "user", "content": "What's the price of AAPL?"},
                   {"role": "assistant", "content": null, "tool_calls": [
                     {"id": "call_JMW1whyEaYG438VE1OIflxA2", "type": "function", "function": {"name": "GetWeatherArgs",
                       "arguments": "{\\"city\\": \\"Edinburgh\\", \\"country\\": \\"GB\\", \\"units\\": \\"c\\"}"}},
                     {"id": "call_DNYTawLBoN8fj3KN6qU9N1Ou", "type": "function", "function": {"name": "get_stock_price",
                       "arguments": "{\\"ticker\\": \\"AAPL\\", \\"exchange\\": \\"NASDAQ\\"}"}}]},
                   {"role": "tool", "tool_call_id": "call_DNYTawLBoN8fj3KN6qU9N1Ou", "content": "{\\"price\\": 227.5}"},
                   {"role": "tool", "tool_call_id": "call_JMW1whyEaYG438VE1OIflxA2", "content": "{\\"temperature\\": 12}"}]}
                """, false, true)));
    }

    @Test
    void aGeminiThoughtSignatureInTheHistoryIsNotSentToOpenAi() throws Exception {
        answer(json(FIXTURES.text("chat-response-recorded.json")));
        var signed = new ToolCall("call_1", "get_stock_price", "{\"ticker\": \"AAPL\"}",
                Optional.of("CuACAY89a1+test-gemini-signature=="));
        complete(ToolFixtures.request(List.of(new Message(Role.USER, "What's the price of AAPL?"),
                        Message.assistantCalling("", List.of(signed)), Message.toolResult("call_1", "227.5")),
                ToolFixtures.PARALLEL_TOOLS, Optional.empty(), Optional.empty(), false));

        String body = OPENAI.findAll(postRequestedFor(urlEqualTo(PATH))).getFirst().getBodyAsString();
        assertEquals(new ObjectMapper().readTree("""
                {"role": "assistant", "content": null, "tool_calls": [{"id": "call_1", "type": "function",
                  "function": {"name": "get_stock_price", "arguments": "{\\"ticker\\": \\"AAPL\\"}"}}]}"""),
                new ObjectMapper().readTree(body).at("/messages/1"));
        assertFalse(body.contains("test-gemini-signature"), body);
    }

    // ---- The answer: calls read exactly ----------------------------------------------------

    @Test
    void aCompletionWithACallBecomesTheDomainResponseWithThatCall() {
        answer(json(ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), "tool_calls")));
        assertEquals(calling("chatcmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY", List.of(ToolFixtures.WEATHER_CALL),
                new Usage(14, 37)), complete(ToolFixtures.weatherTools(Optional.empty(), false)));
    }

    @Test
    void aCompletionWithParallelCallsKeepsTheirOrder() {
        answer(json(ToolFixtures.toolCallCompletion(ToolFixtures.PARALLEL_CALLS, "tool_calls")));
        assertEquals(ToolFixtures.PARALLEL_CALLS, complete(ToolFixtures.parallelTools(false)).toolCalls());
    }

    @Test
    void theRecordedToolCallStreamIsHandedOnFragmentByFragmentThenCompleted() {
        answer(sse(FIXTURES.text("chat-stream-toolcall.sse")));
        List<StreamEvent> events = stream(ToolFixtures.weatherTools(Optional.empty(), true));
        assertEquals(12, events.size(), () -> "a start, ten argument fragments, Completed: " + events);
        assertEquals(ToolCallDelta.start(0, "call_CTf1nWJLqSeRgDqaCG27xZ74", "get_weather", ""), events.getFirst());
        String joined = events.subList(1, 11).stream().map(event -> ((ToolCallDelta) event).arguments())
                .reduce("", String::concat);
        assertEquals("{\"city\":\"San Francisco\",\"state\":\"CA\"}", joined, "the recording's arguments exactly");
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        assertEquals(calling("chatcmpl-ABfwCgi41eStOcARjZq97ohCEGBPO", List.of(ToolFixtures.WEATHER_CALL),
                new Usage(48, 19)), completed.withLatency(Duration.ZERO));
    }

    @Test
    void theRecordedParallelStreamKeepsTheOrderAndIndexesOfBothCalls() {
        answer(sse(FIXTURES.text("chat-stream-toolcall-parallel.sse")));
        List<StreamEvent> events = stream(ToolFixtures.parallelTools(true));
        List<ToolCallDelta> fragments = events.subList(0, events.size() - 1).stream().map(ToolCallDelta.class::cast)
                .toList();
        assertEquals(List.of(0, 1), fragments.stream().filter(ToolCallDelta::starts).map(ToolCallDelta::index).toList());
        for (int index = 0; index < 2; index++) {
            int call = index;
            String joined = fragments.stream().filter(fragment -> fragment.index() == call)
                    .map(ToolCallDelta::arguments).reduce("", String::concat);
            assertEquals(ToolFixtures.PARALLEL_CALLS.get(call).arguments(), joined, "call " + call + "'s arguments");
        }
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        assertEquals(calling("chatcmpl-ABfwAwrNePHUgBBezonVC6MX3zd63", ToolFixtures.PARALLEL_CALLS, new Usage(149, 60)),
                completed.withLatency(Duration.ZERO));
    }

    @Test
    void aForcedCallStreamThatEndsWithStopCompletesAsToolCalls() {
        answer(sse(ToolFixtures.withStopFinish("chat-stream-toolcall.sse")));
        List<StreamEvent> events = stream(ToolFixtures.weatherTools(Optional.of(new ToolChoice.Named("get_weather")), true));
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        assertEquals(FinishReason.TOOL_CALLS, completed.finishReason());
        assertEquals(List.of(ToolFixtures.WEATHER_CALL), completed.toolCalls());
    }

    @Test
    void aStreamWhoseCallStartsWithoutAnIdIsAMalformedResponseAfterNothingWasHandedOn() {
        answer(sse(FIXTURES.text("chat-stream-toolcall.sse").replace("\"id\":\"call_CTf1nWJLqSeRgDqaCG27xZ74\",", "")));
        List<StreamEvent> events = new ArrayList<>();
        var thrown = assertThrows(LlmFailureException.class, () -> assertTimeoutPreemptively(HANG_GUARD,
                () -> provider().stream(ToolFixtures.weatherTools(Optional.empty(), true), TestRequests.CONTEXT,
                        events::add)));
        var failed = assertInstanceOf(ProviderFailed.class, thrown.failure());
        assertEquals(OptionalInt.of(200), failed.status());
        assertTrue(failed.message().contains("malformed response: stream event 1"), failed.message());
        assertEquals(List.of(), events);
    }
}
