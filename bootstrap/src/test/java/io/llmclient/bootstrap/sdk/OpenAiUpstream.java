package io.llmclient.bootstrap.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * OpenAI, whose shapes are the contract's: the recorded strict {@code get_weather} call of
 * openai-python's {@code test_parse_strict_tools}, streamed as recorded and completed as composed.
 */
final class OpenAiUpstream extends ProviderUpstream {
    private static final String PATH = "/v1/chat/completions";
    private static final Call CALL = new Call("call_CTf1nWJLqSeRgDqaCG27xZ74", "get_weather",
            "{\"city\":\"San Francisco\",\"state\":\"CA\"}");
    /** The tool of openai-python's test, as it sent it. */
    private static final String WEATHER_SCHEMA = """
            {"type": "object", "properties": {"city": {"type": "string"}, "state": {"type": "string"}},
             "required": ["city", "state"], "additionalProperties": false}""";

    OpenAiUpstream() {
        super("openai");
    }

    @Override
    String model() {
        return "gpt-4.1-mini";
    }

    @Override
    Map<String, String> env() {
        return Map.of("OPENAI_API_KEY", "sk-test-sdk-tools-openai", "OPENAI_BASE_URL", baseUrl() + "/v1");
    }

    @Override
    void stub(WireMockServer server) {
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(3).willReturn(json(fixture("chat-response-toolcall.json"))));
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(2).withRequestBody(containing("\"tool_call_id\""))
                .willReturn(json(fixture("chat-response-recorded.json"))));
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(fixture("chat-stream-toolcall.sse"))));
    }

    @Override
    ChatCompletionFunctionTool tool() {
        return function("get_weather", Optional.empty(), read(WEATHER_SCHEMA), true);
    }

    @Override
    String question() {
        return "What's the weather like in SF?";
    }

    @Override
    String toolResult() {
        return "{\"city\":\"San Francisco\",\"temperature\":\"68F\",\"condition\":\"Sunny\"}";
    }

    @Override
    Call completedCall() {
        return CALL;
    }

    @Override
    Call streamedCall() {
        return CALL;
    }

    @Override
    List<String> streamedFragments() {
        return List.of("", "{\"", "city", "\":\"", "San", " Francisco", "\",\"", "state", "\":\"", "CA", "\"}");
    }

    @Override
    String finalAnswer() {
        return fixtureJson("chat-response-recorded.json").at("/choices/0/message/content").asText();
    }

    @Override
    Map<String, JsonNode> firstTurn() {
        return Map.of(
                "tools", read("[{\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"parameters\":"
                        + WEATHER_SCHEMA + ",\"strict\":true}}]"),
                "tool_choice", read("\"required\""),
                "messages", read("[{\"role\":\"user\",\"content\":\"What's the weather like in SF?\"}]"));
    }

    @Override
    Map<String, JsonNode> followUpTurn() {
        String messages = """
                [{"role":"user","content":"What's the weather like in SF?"},
                 {"role":"assistant","content":null,"tool_calls":[{"id":"call_CTf1nWJLqSeRgDqaCG27xZ74",
                   "type":"function","function":{"name":"get_weather",
                   "arguments":"{\\"city\\":\\"San Francisco\\",\\"state\\":\\"CA\\"}"}}]},
                 {"role":"tool","tool_call_id":"call_CTf1nWJLqSeRgDqaCG27xZ74",
                  "content":"{\\"city\\":\\"San Francisco\\",\\"temperature\\":\\"68F\\",\\"condition\\":\\"Sunny\\"}"}]""";
        return Map.of("tool_choice", read("\"auto\""), "messages", read(messages));
    }
}
