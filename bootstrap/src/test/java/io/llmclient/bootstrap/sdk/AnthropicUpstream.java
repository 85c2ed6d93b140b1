package io.llmclient.bootstrap.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Anthropic Messages: the recorded exchange of anthropic-sdk-python's tool runner
 * ({@code messages-stream-request.json}: the {@code get_weather} tool, the {@code tool_use} turn and
 * the {@code tool_result} turn), its call streamed as {@code input_json_delta} fragments.
 */
final class AnthropicUpstream extends ProviderUpstream {
    private static final String PATH = "/v1/messages";
    private static final String CALL_ID = "toolu_018acGYLtfR52q9yDbWaEdQZ";

    AnthropicUpstream() {
        super("anthropic");
    }

    @Override
    String model() {
        return "claude-3-5-haiku-20241022";
    }

    @Override
    Map<String, String> env() {
        return Map.of("ANTHROPIC_API_KEY", "sk-ant-test-sdk-tools", "ANTHROPIC_BASE_URL", baseUrl());
    }

    @Override
    void stub(WireMockServer server) {
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(3)
                .willReturn(json(fixture("messages-response-tooluse.json"))));
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(2).withRequestBody(containing("\"tool_result\""))
                .willReturn(json(fixture("messages-response.json"))));
        server.stubFor(post(urlPathEqualTo(PATH)).atPriority(1)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(fixture("messages-stream-tooluse.sse"))));
    }

    /** The recorded request holding the tool, the call and its result. */
    private JsonNode recorded() {
        return fixtureJson("messages-stream-request.json");
    }

    @Override
    ChatCompletionFunctionTool tool() {
        JsonNode tool = recorded().path("tools").get(0);
        return function(tool.path("name").asText(), Optional.of(tool.path("description").asText()),
                tool.path("input_schema"), false);
    }

    @Override
    String question() {
        return recorded().at("/messages/0/content").asText();
    }

    @Override
    String toolResult() {
        return recorded().at("/messages/2/content/0/content").asText();
    }

    /** Anthropic's non-streamed {@code input} is an object; the service writes it as compact JSON. */
    @Override
    Call completedCall() {
        return new Call(CALL_ID, "get_weather", "{\"location\":\"San Francisco, CA\",\"units\":\"f\"}");
    }

    /** Streamed, the arguments are the model's text exactly as it was cut, spaces included. */
    @Override
    Call streamedCall() {
        return new Call(CALL_ID, "get_weather", String.join("", streamedFragments()));
    }

    /** The start fragment, then the non-empty {@code partial_json} of the recording. */
    @Override
    List<String> streamedFragments() {
        return List.of("", "{\"", "loca", "tio", "n\": ", "\"San Fr", "anci", "sco, CA\"", ", \"",
                "units\": \"f\"}");
    }

    @Override
    String finalAnswer() {
        return fixtureJson("messages-response.json").at("/content/0/text").asText();
    }

    @Override
    Map<String, JsonNode> firstTurn() {
        ArrayNode question = JSON.createArrayNode().add(recorded().path("messages").get(0));
        return Map.of("tools", recorded().path("tools"), "tool_choice", read("{\"type\":\"any\"}"),
                "messages", question);
    }

    /**
     * The recorded turns, without the {@code caller} member that Anthropic's SDK echoed back into its
     * {@code tool_use} block (Anthropic's detail, not part of an OpenAI tool call).
     */
    @Override
    Map<String, JsonNode> followUpTurn() {
        JsonNode messages = recorded().path("messages").deepCopy();
        ((ObjectNode) messages.at("/1/content/0")).remove("caller");
        return Map.of("tools", recorded().path("tools"), "tool_choice", read("{\"type\":\"auto\"}"),
                "messages", messages);
    }
}
