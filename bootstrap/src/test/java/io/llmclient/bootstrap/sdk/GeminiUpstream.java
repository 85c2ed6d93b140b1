package io.llmclient.bootstrap.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Gemini {@code generateContent} / {@code streamGenerateContent}: the recorded {@code controlLight}
 * call (no call id, so the service makes one from the {@code responseId}) and the round trip
 * request composed around it ({@code generate-request-tool-round-trip.json}).
 */
final class GeminiUpstream extends ProviderUpstream {
    private static final String MODEL = "gemini-1.5-flash";
    private static final String MODELS = "/v1beta/models/" + MODEL;
    /** {@code call_<responseId>_<index>}: the recording's responseId, first call. */
    private static final Call CALL = new Call("call_GHGNaZ2wAsXchMIP4oTLkAU_0", "controlLight",
            "{\"brightness\":50,\"colorTemperature\":\"warm\"}");

    GeminiUpstream() {
        super("gemini");
    }

    @Override
    String model() {
        return MODEL;
    }

    @Override
    Map<String, String> env() {
        return Map.of("GOOGLE_API_KEY", "AIza-test-sdk-tools-gemini", "GEMINI_BASE_URL", baseUrl());
    }

    @Override
    void stub(WireMockServer server) {
        server.stubFor(post(urlPathEqualTo(MODELS + ":generateContent")).atPriority(3)
                .willReturn(json(fixture("generate-response-function-call.json"))));
        server.stubFor(post(urlPathEqualTo(MODELS + ":generateContent")).atPriority(2)
                .withRequestBody(containing("\"functionResponse\""))
                .willReturn(json(fixture("generate-response-after-function-response.json"))));
        server.stubFor(post(urlPathEqualTo(MODELS + ":streamGenerateContent")).atPriority(1)
                .willReturn(sse(fixture("stream-function-call.sse"))));
    }

    /** The composed round-trip request: the tool, the question, the call and its response. */
    private JsonNode roundTrip() {
        return fixtureJson("generate-request-tool-round-trip.json");
    }

    @Override
    ChatCompletionFunctionTool tool() {
        JsonNode declaration = roundTrip().at("/tools/0/functionDeclarations/0");
        return function(declaration.path("name").asText(), Optional.of(declaration.path("description").asText()),
                declaration.path("parametersJsonSchema"), false);
    }

    @Override
    String question() {
        return roundTrip().at("/contents/0/parts/0/text").asText();
    }

    @Override
    String toolResult() {
        return roundTrip().at("/contents/2/parts/0/functionResponse/response").toString();
    }

    @Override
    Call completedCall() {
        return CALL;
    }

    @Override
    Call streamedCall() {
        return CALL;
    }

    /** A Gemini call arrives whole in one event, so it streams as one fragment. */
    @Override
    List<String> streamedFragments() {
        return List.of(CALL.arguments());
    }

    @Override
    String finalAnswer() {
        return fixtureJson("generate-response-after-function-response.json").at("/candidates/0/content/parts/0/text")
                .asText();
    }

    @Override
    Map<String, JsonNode> firstTurn() {
        ArrayNode question = JSON.createArrayNode().add(roundTrip().path("contents").get(0));
        return Map.of("tools", roundTrip().path("tools"),
                "toolConfig", read("{\"functionCallingConfig\":{\"mode\":\"ANY\"}}"),
                "contents", question);
    }

    @Override
    Map<String, JsonNode> followUpTurn() {
        return Map.of("tools", roundTrip().path("tools"), "toolConfig", roundTrip().path("toolConfig"),
                "contents", roundTrip().path("contents"));
    }
}
