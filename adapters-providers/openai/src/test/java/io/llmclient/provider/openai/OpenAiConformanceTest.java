package io.llmclient.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.provider.conformance.HttpProviderConformanceSuite;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.conformance.Staged;
import io.llmclient.provider.conformance.StallPoint;
import io.llmclient.provider.conformance.ToolRoundTrip;
import io.llmclient.provider.conformance.ToolStaged;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * OpenAI against the shared provider suite, each scenario staged on WireMock from the recorded
 * OpenAI fixtures. Where no recording exists (a 5xx body, a mid-stream error, a completion
 * identical to the recorded stream, a tool call not streamed, a JSON answer) the staged body is
 * composed from recorded pieces, as noted.
 */
class OpenAiConformanceTest extends HttpProviderConformanceSuite {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private static final String KEY = "sk-" + "test-canary-conformance0123456789WXYZ";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STREAM_TEXT = "I'm unable to provide real-time weather updates. To get the current "
            + "weather in San Francisco, I recommend checking a reliable weather website or a weather app.";

    @RegisterExtension
    static final WireMockExtension OPENAI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    @Override
    protected LlmProviderFactory factory() {
        return new OpenAiProviderFactory();
    }

    @Override
    protected String key() {
        return KEY;
    }

    @Override
    protected URI upstream() {
        return URI.create(OPENAI.baseUrl() + "/v1");
    }

    @Override
    protected ModelEntry model() {
        return TestRequests.GPT_41_MINI;
    }

    private static void answer(boolean stream, ResponseDefinitionBuilder response) {
        OPENAI.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withHeader("Accept", equalTo(stream ? "text/event-stream" : "application/json"))
                .willReturn(response));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream")
                .withBody(body.getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode recordedCompletion() {
        try {
            return (ObjectNode) JSON.readTree(FIXTURES.bytes("chat-response-recorded.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String withFinish(ObjectNode body, String finish) {
        ((ObjectNode) body.at("/choices/0")).put("finish_reason", finish);
        return body.toString();
    }

    @Override
    protected Staged stageCompletion() {
        answer(false, json(200, FIXTURES.text("chat-response.json")));
        return Staged.answer(TestRequests.helloRequest(false), "Hello! How can I assist you today?", new Usage(19, 10));
    }

    @Override
    protected Staged stageStream() {
        answer(true, sse(FIXTURES.text("chat-stream.sse")));
        return Staged.answer(TestRequests.weatherRequest(), STREAM_TEXT, new Usage(14, 30));
    }

    @Override
    protected ChatRequest stageSameAnswerForCompleteAndStream() {
        // Composed: the recorded completion and the recorded stream are two runs with different
        // text, so the completion is given the stream's content and usage.
        answer(true, sse(FIXTURES.text("chat-stream.sse")));
        ObjectNode completion = recordedCompletion();
        ((ObjectNode) completion.at("/choices/0/message")).put("content", STREAM_TEXT);
        ObjectNode usage = (ObjectNode) completion.get("usage");
        usage.put("prompt_tokens", 14).put("completion_tokens", 30).put("total_tokens", 44);
        answer(false, json(200, completion.toString()));
        return TestRequests.weatherRequest();
    }

    @Override
    protected ChatRequest stageFinish(FinishReason reason, boolean stream) {
        String wire = switch (reason) {
            case STOP -> "stop";
            case LENGTH -> "length";
            case CONTENT_FILTER -> "content_filter";
            case TOOL_CALLS -> "tool_calls";
            case ERROR -> notApplicable("not a finish reason OpenAI sends");
        };
        if (reason == FinishReason.TOOL_CALLS) {
            answerWithTheWeatherCall(stream, wire);
            return ToolFixtures.weatherTools(Optional.empty(), stream);
        }
        if (!stream) {
            answer(false, json(200, withFinish(recordedCompletion(), wire)));
        } else {
            answer(true, sse(FIXTURES.text("chat-stream.sse")
                    .replace("\"finish_reason\":\"stop\"", "\"finish_reason\":\"" + wire + "\"")));
        }
        return TestRequests.weatherRequest();
    }

    @Override
    protected ChatRequest stageBadAuth() {
        // OpenAI quotes the wrong key back, masked in the middle: its first 8 characters would leak.
        String quoted = KEY.substring(0, 8) + "*".repeat(20) + KEY.substring(KEY.length() - 4);
        answer(false, json(401, FIXTURES.text("error-401.json").replace("CHANGE_ME", quoted)));
        return TestRequests.helloRequest(false);
    }

    @Override
    protected ChatRequest stageRateLimit(Duration retryAfter) {
        answer(false, json(429, FIXTURES.text("error-429.json"))
                .withHeader("retry-after", Long.toString(retryAfter.toSeconds())));
        return TestRequests.helloRequest(false);
    }

    @Override
    protected ChatRequest stageServerError(int status) {
        // Composed: the ErrorResponse shape of the OpenAPI spec with OpenAI's server_error type.
        answer(false, json(status, "{\"error\":{\"message\":\"The server had an error while processing your request.\","
                + "\"type\":\"server_error\",\"param\":null,\"code\":null}}"));
        return TestRequests.helloRequest(false);
    }

    @Override
    protected ChatRequest stageFailureAfterFirstChunk() {
        answer(true, sse(firstEvents(3) + "data: {\"error\":{\"message\":\"The server had an error while processing "
                + "your request.\",\"type\":\"server_error\",\"param\":null,\"code\":null}}\n\n"));
        return TestRequests.weatherRequest();
    }

    @Override
    protected ChatRequest stageStall(StallPoint where) {
        switch (where) {
            case BEFORE_ANSWER -> {
                answer(false, json(200, FIXTURES.text("chat-response.json")).withFixedDelay(5_000));
                answer(true, sse(FIXTURES.text("chat-stream.sse")).withFixedDelay(5_000));
            }
            case MID_STREAM -> {
                // WireMock waits before its first dribbled chunk too; see StallingUpstream.
                stallAfter(firstEvents(3).getBytes(StandardCharsets.UTF_8));
            }
        }
        return TestRequests.weatherRequest();
    }

    private static String firstEvents(int count) {
        String[] events = FIXTURES.text("chat-stream.sse").split("\n\n");
        return String.join("\n\n", List.of(events).subList(0, count)) + "\n\n";
    }

    // ---- Tool calling: OpenAI passes everything through ------------------------------------
    // Streams are the recordings (chat-stream-toolcall*.sse, chat-stream.sse); completions and
    // JSON answers are composed from recorded bodies (ToolFixtures). OpenAI serves every
    // scenario: nothing is refused.

    private static final String JSON_REPLY = "{\"reply\": \"I can't see live weather for San Francisco.\"}";
    private static final List<String> JSON_REPLY_PIECES = List.of("{\"reply\": \"I can't", " see live weather",
            " for San Francisco.\"}");
    private static final String SCHEMA_REPLY = "{\"city\": \"San Francisco\", \"temperature\": 18}";
    private static final List<String> SCHEMA_REPLY_PIECES = List.of("{\"city\": \"San", " Francisco\", \"temp",
            "erature\": 18}");

    private static Runnable sentMembers(String members) {
        // The members this scenario is about; OpenAiToolCallingTest checks whole bodies.
        return () -> OPENAI.verify(1, postRequestedFor(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(equalToJson(members, false, true)));
    }

    private static Runnable sentToolChoice(String wire) {
        return sentMembers("{\"tools\": [" + ToolFixtures.GET_WEATHER_WIRE + "], \"tool_choice\": " + wire + "}");
    }

    // The recorded single call: the stream as recorded, or a completion with that call.
    private static void answerWithTheWeatherCall(boolean stream, String finish) {
        if (stream) {
            answer(true, sse(finish.equals("tool_calls") ? FIXTURES.text("chat-stream-toolcall.sse")
                    : ToolFixtures.withStopFinish("chat-stream-toolcall.sse")));
        } else {
            answer(false, json(200, ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), finish)));
        }
    }

    @Override
    protected ToolStaged stageToolChoiceAuto(boolean stream) {
        answerWithTheWeatherCall(stream, "tool_calls");
        return ToolStaged.answer(ToolFixtures.weatherTools(Optional.of(ToolChoice.AUTO), stream))
                .withToolCalls(List.of(ToolFixtures.WEATHER_CALL)).withContent("")
                .verifiedBy(sentToolChoice("\"auto\""));
    }

    @Override
    protected ToolStaged stageToolChoiceRequired(boolean stream) {
        // OpenAI ends a forced call with finish_reason "stop"; the adapter reports tool_calls.
        answerWithTheWeatherCall(stream, "stop");
        return ToolStaged.answer(ToolFixtures.weatherTools(Optional.of(ToolChoice.REQUIRED), stream))
                .withToolCalls(List.of(ToolFixtures.WEATHER_CALL)).verifiedBy(sentToolChoice("\"required\""));
    }

    @Override
    protected ToolStaged stageNamedToolChoice(boolean stream) {
        answerWithTheWeatherCall(stream, "stop");
        return ToolStaged.answer(ToolFixtures.weatherTools(Optional.of(new ToolChoice.Named("get_weather")), stream))
                .withToolCalls(List.of(ToolFixtures.WEATHER_CALL))
                .verifiedBy(sentToolChoice("{\"type\": \"function\", \"function\": {\"name\": \"get_weather\"}}"));
    }

    @Override
    protected ToolStaged stageToolChoiceNone(boolean stream) {
        // The recorded text answers were given to this very prompt.
        if (stream) {
            answer(true, sse(FIXTURES.text("chat-stream.sse")));
        } else {
            answer(false, json(200, FIXTURES.text("chat-response-recorded.json")));
        }
        return ToolStaged.answer(ToolFixtures.weatherTools(Optional.of(ToolChoice.NONE), stream))
                .withContent(stream ? STREAM_TEXT : recordedCompletion().at("/choices/0/message/content").asText())
                .verifiedBy(sentToolChoice("\"none\""));
    }

    @Override
    protected ToolStaged stageParallelToolCalls(boolean stream) {
        if (stream) {
            answer(true, sse(FIXTURES.text("chat-stream-toolcall-parallel.sse")));
        } else {
            answer(false, json(200, ToolFixtures.toolCallCompletion(ToolFixtures.PARALLEL_CALLS, "tool_calls")));
        }
        return ToolStaged.answer(ToolFixtures.parallelTools(stream)).withToolCalls(ToolFixtures.PARALLEL_CALLS)
                .verifiedBy(sentMembers("{\"tools\": [{\"function\": {\"name\": \"GetWeatherArgs\"}}, "
                        + "{\"function\": {\"name\": \"get_stock_price\"}}]}"));
    }

    @Override
    protected ToolRoundTrip stageToolRoundTrip(boolean stream) {
        answerWithTheWeatherCall(stream, "tool_calls");
        // Added last, so WireMock tries it first: the follow-up (it carries a tool message) gets
        // the recorded text answer to the same prompt.
        OPENAI.stubFor(post(urlEqualTo("/v1/chat/completions"))
                .withRequestBody(matchingJsonPath("$.messages[?(@.role == 'tool')]"))
                .willReturn(stream ? sse(FIXTURES.text("chat-stream.sse"))
                        : json(200, FIXTURES.text("chat-response-recorded.json"))));
        String result = "{\"temperature\": 18, \"unit\": \"c\"}";
        return ToolRoundTrip.of(ToolFixtures.weatherTools(Optional.empty(), stream), call -> result)
                .withFinalContent(stream ? STREAM_TEXT : recordedCompletion().at("/choices/0/message/content").asText())
                .verifiedBy(sentMembers("""
                        {"messages": [
                           {"role": "user", "content": "What's the weather like in SF?"},
                           {"role": "assistant", "content": null, "tool_calls": [{"id": "call_CTf1nWJLqSeRgDqaCG27xZ74",
                             "type": "function", "function": {"name": "get_weather",
                             "arguments": "{\\"city\\":\\"San Francisco\\",\\"state\\":\\"CA\\"}"}}]},
                           {"role": "tool", "tool_call_id": "call_CTf1nWJLqSeRgDqaCG27xZ74",
                            "content": "{\\"temperature\\": 18, \\"unit\\": \\"c\\"}"}]}"""));
    }

    @Override
    protected ToolStaged stageJsonObject(boolean stream) {
        if (stream) {
            answer(true, sse(ToolFixtures.textStream(JSON_REPLY_PIECES)));
        } else {
            answer(false, json(200, ToolFixtures.textCompletion(JSON_REPLY)));
        }
        return ToolStaged.answer(ToolFixtures.request(List.of(new Message(Role.USER, "What's the weather like in SF? "
                        + "Give me any JSON back")), List.of(), Optional.empty(), Optional.of(ResponseFormat.JSON_OBJECT),
                        stream))
                .withContent(JSON_REPLY).verifiedBy(sentMembers("{\"response_format\": {\"type\": \"json_object\"}}"));
    }

    @Override
    protected ToolStaged stageJsonSchema(boolean stream) {
        if (stream) {
            answer(true, sse(ToolFixtures.textStream(SCHEMA_REPLY_PIECES)));
        } else {
            answer(false, json(200, ToolFixtures.textCompletion(SCHEMA_REPLY)));
        }
        var format = new ResponseFormat.JsonSchema("weather", Optional.empty(), ToolFixtures.ordered("type", "object",
                "properties", ToolFixtures.ordered("city", Map.of("type", "string"), "temperature", Map.of("type", "integer")),
                "required", List.of("city", "temperature"), "additionalProperties", false), true);
        return ToolStaged.answer(ToolFixtures.request(List.of(new Message(Role.USER, "What's the weather like in SF?")),
                        List.of(), Optional.empty(), Optional.of(format), stream))
                .withContent(SCHEMA_REPLY)
                .verifiedBy(sentMembers("{\"response_format\": {\"type\": \"json_schema\", \"json_schema\": "
                        + "{\"name\": \"weather\", \"strict\": true}}}"));
    }

    @Override
    protected ToolStaged stageStreamedToolCallFragments() {
        answer(true, sse(FIXTURES.text("chat-stream-toolcall.sse")));
        return ToolStaged.answer(ToolFixtures.weatherTools(Optional.empty(), true))
                .withToolCalls(List.of(ToolFixtures.WEATHER_CALL));
    }
}
