package io.llmclient.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent.ToolCallDelta;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Tool calling and structured output on Gemini's wire: the exact request WireMock received for
 * every translated field, and the exact domain result of the tool-calling fixtures (provenance in
 * fixtures/gemini/SOURCES.md), complete and streamed.
 */
class GeminiToolCallingTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.GEMINI);

    @RegisterExtension
    static final WireMockExtension GEMINI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String KEY = "AIza" + "-test-canary-test-key-0123456789abcdef";
    private static final ModelEntry MODEL = ModelEntry.of("gemini-1.5-flash", ProviderId.GEMINI, ModelTier.FAST);
    private static final String GENERATE = "/v1beta/models/gemini-1.5-flash:generateContent";
    private static final String STREAM = "/v1beta/models/gemini-1.5-flash:streamGenerateContent";
    private static final A2aContext A2A = A2aContext.ofTrace("trace-13");
    private static final CallContext CONTEXT = new CallContext(MODEL, A2A);

    private static final String PROMPT = "control the light to warm, 50";
    /** The recorded controlLight declaration, its schema as JSON Schema. */
    static final ToolDefinition CONTROL_LIGHT = new ToolDefinition("controlLight",
            Optional.of("Set the brightness and color temperature of a room light."),
            schema(FIXTURES.json("generate-request-function-call.json")
                    .at("/tools/0/functionDeclarations/0/parametersJsonSchema")), false);
    static final String RECORDED_ID = "call_GHGNaZ2wAsXchMIP4oTLkAU_0";
    /** The opaque {@code thoughtSignature} recorded beside the call; Gemini 3 needs it back on that part. */
    static final String RECORDED_SIGNATURE = FIXTURES.json("generate-response-function-call.json")
            .at("/candidates/0/content/parts/0/thoughtSignature").asText();
    static final ToolCall RECORDED_CALL = new ToolCall(RECORDED_ID, "controlLight",
            "{\"brightness\":50,\"colorTemperature\":\"warm\"}", Optional.of(RECORDED_SIGNATURE));
    /** The recorded usage: 74 prompt tokens, 7 candidate tokens and 73 thinking tokens. */
    static final Usage RECORDED_USAGE = new Usage(74, 7 + 73);
    static final List<ToolCall> PARALLEL_CALLS = List.of(
            new ToolCall("call_GHGNaZ2wAsXchMIP4oTLkAU_0", "enable_lights", "{}"),
            new ToolCall("call_GHGNaZ2wAsXchMIP4oTLkAU_1", "set_light_color", "{\"rgb_hex\":\"9400d3\"}"));

    static Map<String, Object> schema(JsonNode node) {
        return JSON.convertValue(node, new TypeReference<Map<String, Object>>() { });
    }

    static ChatRequest request(List<Message> messages, List<ToolDefinition> tools, Optional<ToolChoice> choice,
                               Optional<ResponseFormat> format, boolean stream) {
        return ChatRequests.builder().model(MODEL.id()).messages(messages).stream(stream).context(A2A).tools(tools)
                .toolChoice(choice).responseFormat(format).build();
    }

    static ChatRequest lightRequest(Optional<ToolChoice> choice) {
        return request(List.of(new Message(Role.USER, PROMPT)), List.of(CONTROL_LIGHT), choice, Optional.empty(), false);
    }

    private static LlmProvider provider() {
        return new GeminiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.GEMINI).apiKey(KEY)
                .baseUrl(GEMINI.baseUrl()).connectTimeout(Duration.ofSeconds(2)).requestTimeout(Duration.ofSeconds(10))
                .build());
    }

    private static ResponseDefinitionBuilder json(String fixture) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json; charset=UTF-8")
                .withBody(FIXTURES.bytes(fixture));
    }

    private static ResponseDefinitionBuilder sse(String fixture) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(FIXTURES.bytes(fixture));
    }

    private static ChatResponse complete(String fixture, ChatRequest request) {
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(json(fixture)));
        return assertTimeoutPreemptively(Duration.ofSeconds(20), () -> provider().complete(request, CONTEXT));
    }

    private static List<StreamEvent> stream(String fixture, ChatRequest request) {
        GEMINI.stubFor(post(urlPathEqualTo(STREAM)).willReturn(sse(fixture)));
        List<StreamEvent> events = new ArrayList<>();
        assertTimeoutPreemptively(Duration.ofSeconds(20), () -> provider().stream(request, CONTEXT, events::add));
        return events;
    }

    private static void assertSent(String path, JsonNode body) {
        GEMINI.verify(1, postRequestedFor(urlPathEqualTo(path)).withRequestBody(equalToJson(body.toString())));
    }

    private static ObjectNode fixtureWith(String fixture, String field, Object value) {
        ObjectNode body = (ObjectNode) FIXTURES.json(fixture);
        if (value == null) {
            body.remove(field);
        } else {
            body.set(field, JSON.valueToTree(value));
        }
        return body;
    }

    private static List<FieldError> refusal(org.junit.jupiter.api.function.Executable call) {
        LlmFailure failure = assertThrows(LlmFailureException.class, call).failure();
        return assertInstanceOf(LlmFailure.InvalidParams.class, failure).errors();
    }

    // ---- Requests ------------------------------------------------------------------------

    @Test
    void toolsGoToFunctionDeclarationsWithTheirJsonSchemaAndAutoToToolConfig() {
        complete("generate-response-function-call.json", lightRequest(Optional.of(ToolChoice.AUTO)));
        assertSent(GENERATE, FIXTURES.json("generate-request-function-call.json"));
    }

    @Test
    void withoutAToolChoiceNoToolConfigIsSentAndGeminiDefaultsToAuto() {
        complete("generate-response-function-call.json", lightRequest(Optional.empty()));
        assertSent(GENERATE, fixtureWith("generate-request-function-call.json", "toolConfig", null));
    }

    @Test
    void toolChoiceNoneIsModeNone() {
        complete("generate-response.json", lightRequest(Optional.of(ToolChoice.NONE)));
        assertSent(GENERATE, fixtureWith("generate-request-function-call.json", "toolConfig",
                Map.of("functionCallingConfig", Map.of("mode", "NONE"))));
    }

    @Test
    void toolChoiceRequiredIsModeAny() {
        complete("generate-response-function-call.json", lightRequest(Optional.of(ToolChoice.REQUIRED)));
        assertSent(GENERATE, fixtureWith("generate-request-function-call.json", "toolConfig",
                Map.of("functionCallingConfig", Map.of("mode", "ANY"))));
    }

    @Test
    void aNamedToolChoiceIsModeAnyAllowingOnlyThatFunction() {
        complete("generate-response-function-call.json",
                lightRequest(Optional.of(new ToolChoice.Named("controlLight"))));
        assertSent(GENERATE, fixtureWith("generate-request-function-call.json", "toolConfig",
                Map.of("functionCallingConfig", Map.of("mode", "ANY", "allowedFunctionNames", List.of("controlLight")))));
    }

    @Test
    void aSchemaGeminisOpenApiSubsetLacksIsSentUnchangedAsJsonSchema() {
        Map<String, Object> parameters = schema(ProviderFixtures.parse("""
                {"type":"object","additionalProperties":false,"$defs":{"unit":{"enum":["C","F"]}},
                 "properties":{"unit":{"$ref":"#/$defs/unit"},"city":{"type":["string","null"]}}}"""));
        var tool = new ToolDefinition("get_weather", Optional.empty(), parameters, true);
        complete("generate-response.json", request(List.of(new Message(Role.USER, "Weather?")), List.of(tool),
                Optional.empty(), Optional.empty(), false));
        assertSent(GENERATE, ProviderFixtures.parse("""
                {"contents":[{"parts":[{"text":"Weather?"}],"role":"user"}],"generationConfig":{},
                 "tools":[{"functionDeclarations":[{"name":"get_weather","parametersJsonSchema":
                   {"type":"object","additionalProperties":false,"$defs":{"unit":{"enum":["C","F"]}},
                    "properties":{"unit":{"$ref":"#/$defs/unit"},"city":{"type":["string","null"]}}}}]}]}"""));
    }

    @Test
    void jsonModeAsksForTheJsonMimeType() {
        complete("generate-response-json.json", request(List.of(new Message(Role.USER, "high")), List.of(),
                Optional.empty(), Optional.of(ResponseFormat.JSON_OBJECT), false));
        assertSent(GENERATE, ProviderFixtures.parse("""
                {"contents":[{"parts":[{"text":"high"}],"role":"user"}],
                 "generationConfig":{"responseMimeType":"application/json"}}"""));
    }

    @Test
    void aJsonSchemaFormatIsSentAsResponseJsonSchemaCarryingItsDescription() {
        var format = new ResponseFormat.JsonSchema("reply", Optional.of("The reply to the user"),
                schema(ProviderFixtures.parse("{\"type\":\"object\",\"properties\":{\"reply\":{\"type\":\"string\"}},"
                        + "\"required\":[\"reply\"]}")), true);
        complete("generate-response-json.json", request(List.of(new Message(Role.USER, "high")), List.of(),
                Optional.empty(), Optional.of(format), false));
        assertSent(GENERATE, ProviderFixtures.parse("""
                {"contents":[{"parts":[{"text":"high"}],"role":"user"}],
                 "generationConfig":{"responseMimeType":"application/json","responseJsonSchema":
                   {"type":"object","properties":{"reply":{"type":"string"}},"required":["reply"],
                    "description":"The reply to the user"}}}"""));
    }

    @Test
    void aTextResponseFormatSendsNothing() {
        complete("generate-response.json", request(List.of(new Message(Role.USER, "high")), List.of(),
                Optional.empty(), Optional.of(ResponseFormat.TEXT), false));
        assertSent(GENERATE, ProviderFixtures.parse("""
                {"contents":[{"parts":[{"text":"high"}],"role":"user"}],"generationConfig":{}}"""));
    }

    @Test
    void theAssistantsCallsAndTheToolResultBecomeFunctionCallAndFunctionResponseTurns() {
        ChatRequest followUp = request(List.of(new Message(Role.USER, PROMPT),
                        Message.assistantCalling("", List.of(RECORDED_CALL)),
                        Message.toolResult(RECORDED_ID, "{\"brightness\":50,\"colorTemperature\":\"warm\"}")),
                List.of(CONTROL_LIGHT), Optional.of(ToolChoice.AUTO), Optional.empty(), false);
        ChatResponse answer = complete("generate-response-after-function-response.json", followUp);
        assertSent(GENERATE, FIXTURES.json("generate-request-tool-round-trip.json"));
        assertEquals("OK. I found two theaters in Mountain View that are showing the Barbie movie: "
                + "AMC Mountain View 16 and Regal Edwards 14.", answer.content());
        assertEquals(List.of(), answer.toolCalls());
        assertEquals(FinishReason.STOP, answer.finishReason());
    }

    @Test
    void toolResultsAnsweredOutOfOrderAreSentInCallOrderWithTextWrappedAsOutput() {
        ChatRequest followUp = request(List.of(new Message(Role.USER, "Light this place up in purple"),
                        Message.assistantCalling("Sure.", PARALLEL_CALLS),
                        Message.toolResult(PARALLEL_CALLS.get(1).id(), "color set"),
                        Message.toolResult(PARALLEL_CALLS.get(0).id(), "{\"on\":true}"),
                        new Message(Role.USER, "Thanks")),
                List.of(), Optional.empty(), Optional.empty(), false);
        complete("generate-response.json", followUp);
        assertSent(GENERATE, ProviderFixtures.parse("""
                {"contents":[
                  {"parts":[{"text":"Light this place up in purple"}],"role":"user"},
                  {"parts":[{"text":"Sure."},
                            {"functionCall":{"name":"enable_lights","args":{}}},
                            {"functionCall":{"name":"set_light_color","args":{"rgb_hex":"9400d3"}}}],"role":"model"},
                  {"parts":[{"functionResponse":{"name":"enable_lights","response":{"on":true}}},
                            {"functionResponse":{"name":"set_light_color","response":{"output":"color set"}}}],
                   "role":"user"},
                  {"parts":[{"text":"Thanks"}],"role":"user"}],
                 "generationConfig":{}}"""));
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void aCallsThoughtSignatureGoesBackByteForByteOnItsOwnFunctionCallPartOnly(boolean streamed) {
        // Signed like Gemini signs parallel calls: the first call only. Characters JSON could escape are in it too.
        String signature = "Sig+/=\u00e9\"\\<test>";
        List<ToolCall> calls = List.of(PARALLEL_CALLS.get(0).withThoughtSignature(signature), PARALLEL_CALLS.get(1));
        ChatRequest followUp = request(List.of(new Message(Role.USER, "Light this place up in purple"),
                        Message.assistantCalling("", calls),
                        Message.toolResult(calls.get(0).id(), "{\"on\":true}"),
                        Message.toolResult(calls.get(1).id(), "{\"ok\":true}")),
                List.of(), Optional.empty(), Optional.empty(), streamed);
        if (streamed) {
            stream("stream.sse", followUp);
        } else {
            complete("generate-response.json", followUp);
        }
        assertSent(streamed ? STREAM : GENERATE, ProviderFixtures.parse("""
                {"contents":[
                  {"parts":[{"text":"Light this place up in purple"}],"role":"user"},
                  {"parts":[{"functionCall":{"name":"enable_lights","args":{}},"thoughtSignature":"Sig+/=\u00e9\\"\\\\<test>"},
                            {"functionCall":{"name":"set_light_color","args":{"rgb_hex":"9400d3"}}}],"role":"model"},
                  {"parts":[{"functionResponse":{"name":"enable_lights","response":{"on":true}}},
                            {"functionResponse":{"name":"set_light_color","response":{"ok":true}}}],
                   "role":"user"}],
                 "generationConfig":{}}"""));
    }

    @Test
    void theRecordedSignatureReachesGeminiExactlyAsItArrived() {
        ChatRequest followUp = request(List.of(new Message(Role.USER, PROMPT),
                        Message.assistantCalling("", List.of(RECORDED_CALL)),
                        Message.toolResult(RECORDED_ID, "{}")),
                List.of(CONTROL_LIGHT), Optional.empty(), Optional.empty(), false);
        complete("generate-response-after-function-response.json", followUp);
        String sent = GEMINI.findAll(postRequestedFor(urlPathEqualTo(GENERATE))).getFirst().getBodyAsString();
        String recorded = FIXTURES.text("generate-response-function-call.json");
        String member = "\"thoughtSignature\": \"" + RECORDED_SIGNATURE + "\"";
        assertTrue(recorded.contains(member), "the recording holds the signature as plain JSON text");
        assertTrue(sent.contains("\"thoughtSignature\":\"" + RECORDED_SIGNATURE + "\""), sent);
    }

    @ParameterizedTest(name = "streamed: {0}")
    @ValueSource(booleans = {false, true})
    void argumentsThatAreNotAJsonObjectAreRefusedNamingTheFieldBeforeAnythingIsSent(boolean streamed) {
        assertArgumentsRefused("[50]", streamed);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"not json", "{\"brightness\":50} trailing", "\"text\"", "null"})
    void argumentsThatAreNotExactlyOneJsonObjectAreRefused(String arguments) {
        assertArgumentsRefused(arguments, false);
    }

    private static void assertArgumentsRefused(String arguments, boolean streamed) {
        ChatRequest followUp = request(List.of(new Message(Role.USER, PROMPT),
                        Message.assistantCalling("", List.of(new ToolCall("call_1", "controlLight", arguments))),
                        Message.toolResult("call_1", "ok")),
                List.of(CONTROL_LIGHT), Optional.empty(), Optional.empty(), streamed);
        List<StreamEvent> events = new ArrayList<>();
        List<FieldError> errors = refusal(streamed
                ? () -> provider().stream(followUp, CONTEXT, events::add)
                : () -> provider().complete(followUp, CONTEXT));
        assertEquals(List.of("messages[1].tool_calls[0].function.arguments"),
                errors.stream().map(FieldError::field).toList());
        assertEquals(List.of(), events);
        GEMINI.verify(0, postRequestedFor(urlPathEqualTo(streamed ? STREAM : GENERATE)));
    }

    @Test
    void aToolMessageThatAnswersNoCallOfTheAssistantBeforeItIsRefusedNamingIt() {
        ChatRequest broken = request(List.of(new Message(Role.USER, PROMPT),
                        Message.assistantCalling("", List.of(RECORDED_CALL)),
                        Message.toolResult("call_unknown", "ok")),
                List.of(CONTROL_LIGHT), Optional.empty(), Optional.empty(), false);
        List<FieldError> errors = refusal(() -> provider().complete(broken, CONTEXT));
        assertEquals(List.of("messages[2].tool_call_id"), errors.stream().map(FieldError::field).toList());
    }

    // ---- Responses -----------------------------------------------------------------------

    @Test
    void aFunctionCallPartBecomesAToolCallWithItsArgsAsJsonTextAndFinishToolCalls() {
        ChatResponse response = complete("generate-response-function-call.json", lightRequest(Optional.empty()));
        assertEquals(List.of(RECORDED_CALL), response.toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, response.finishReason(), "Gemini says STOP even for calls");
        assertEquals("", response.content());
        assertEquals(RECORDED_USAGE, response.usage());
        assertEquals("GHGNaZ2wAsXchMIP4oTLkAU", response.id());
        assertEquals("gemini-2.5-flash", response.providerModel());
    }

    @Test
    void parallelFunctionCallsKeepTheirPartOrder() {
        ChatResponse response = complete("generate-response-parallel-function-calls.json",
                lightRequest(Optional.empty()));
        assertEquals(PARALLEL_CALLS, response.toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, response.finishReason());
    }

    @Test
    void geminisOwnCallIdIsKeptWhenItSendsOne() {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-response-function-call.json");
        ((ObjectNode) body.at("/candidates/0/content/parts/0/functionCall")).put("id", "fc-7");
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withBody(body.toString().getBytes(StandardCharsets.UTF_8))));
        ChatResponse response = provider().complete(lightRequest(Optional.empty()), CONTEXT);
        assertEquals(List.of(new ToolCall("fc-7", "controlLight", RECORDED_CALL.arguments(), Optional.of(RECORDED_SIGNATURE))),
                response.toolCalls());
    }

    @Test
    void aFunctionCallPartsThoughtSignatureIsKeptOnItsCall() {
        ChatResponse response = complete("generate-response-function-call.json", lightRequest(Optional.empty()));
        assertEquals(Optional.of(RECORDED_SIGNATURE), response.toolCalls().getFirst().thoughtSignature());
        assertTrue(RECORDED_SIGNATURE.startsWith("CuACAY89a1+ZNGNz") && RECORDED_SIGNATURE.endsWith("U82w=="),
                RECORDED_SIGNATURE);
    }

    @Test
    void onlyTheSignedCallOfParallelCallsCarriesASignature() {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-response-parallel-function-calls.json");
        ((ObjectNode) body.at("/candidates/0/content/parts/0")).put("thoughtSignature", "sig-test-first");
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withBody(body.toString().getBytes(StandardCharsets.UTF_8))));
        ChatResponse response = provider().complete(lightRequest(Optional.empty()), CONTEXT);
        assertEquals(List.of(PARALLEL_CALLS.get(0).withThoughtSignature("sig-test-first"), PARALLEL_CALLS.get(1)),
                response.toolCalls());
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "  "})
    void aBlankThoughtSignatureIsNoSignature(String blank) {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-response-function-call.json");
        ((ObjectNode) body.at("/candidates/0/content/parts/0")).put("thoughtSignature", blank);
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withBody(body.toString().getBytes(StandardCharsets.UTF_8))));
        ChatResponse response = provider().complete(lightRequest(Optional.empty()), CONTEXT);
        assertEquals(Optional.empty(), response.toolCalls().getFirst().thoughtSignature());
    }

    @Test
    void aFunctionCallWithoutANameIsAProviderError() {
        ObjectNode body = (ObjectNode) FIXTURES.json("generate-response-function-call.json");
        ((ObjectNode) body.at("/candidates/0/content/parts/0/functionCall")).remove("name");
        GEMINI.stubFor(post(urlPathEqualTo(GENERATE)).willReturn(aResponse().withStatus(200)
                .withBody(body.toString().getBytes(StandardCharsets.UTF_8))));
        LlmFailure failure = assertThrows(LlmFailureException.class,
                () -> provider().complete(lightRequest(Optional.empty()), CONTEXT)).failure();
        var failed = assertInstanceOf(LlmFailure.ProviderFailed.class, failure);
        assertEquals(OptionalInt.of(200), failed.status());
    }

    @Test
    void aStreamedFunctionCallIsOneFragmentWithIdNameAndAllItsArguments() {
        List<StreamEvent> events = stream("stream-function-call.sse", lightRequest(Optional.empty()));
        assertEquals(2, events.size(), () -> "one fragment and Completed: " + events);
        assertEquals(ToolCallDelta.start(0, RECORDED_ID, "controlLight", RECORDED_CALL.arguments())
                .withThoughtSignature(RECORDED_SIGNATURE), events.get(0));
        ChatResponse completed = assertInstanceOf(StreamEvent.Completed.class, events.get(1)).response();
        assertEquals(List.of(RECORDED_CALL), completed.toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, completed.finishReason());
        assertEquals(RECORDED_USAGE, completed.usage());
    }

    @Test
    void parallelCallsStreamedInSeveralEventsGetIndexesInCallOrder() {
        List<StreamEvent> events = stream("stream-parallel-function-calls.sse", lightRequest(Optional.empty()));
        assertEquals(List.of(
                ToolCallDelta.start(0, PARALLEL_CALLS.get(0).id(), "enable_lights", "{}"),
                ToolCallDelta.start(1, PARALLEL_CALLS.get(1).id(), "set_light_color", "{\"rgb_hex\":\"9400d3\"}")),
                events.subList(0, 2));
        ChatResponse completed = assertInstanceOf(StreamEvent.Completed.class, events.get(2)).response();
        assertEquals(PARALLEL_CALLS, completed.toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, completed.finishReason());
    }

    @Test
    void aStreamedJsonAnswerArrivesAsTextDeltas() {
        List<StreamEvent> events = stream("stream-json.sse", request(List.of(new Message(Role.USER, "high")),
                List.of(), Optional.empty(), Optional.of(ResponseFormat.JSON_OBJECT), true));
        assertEquals(List.of(new StreamEvent.Delta("{\"reply\":"), new StreamEvent.Delta("\"low\"}")),
                events.subList(0, 2));
        ChatResponse completed = assertInstanceOf(StreamEvent.Completed.class, events.get(2)).response();
        assertEquals("{\"reply\":\"low\"}", completed.content());
        assertEquals(FinishReason.STOP, completed.finishReason());
        assertSent(STREAM, ProviderFixtures.parse("""
                {"contents":[{"parts":[{"text":"high"}],"role":"user"}],
                 "generationConfig":{"responseMimeType":"application/json"}}"""));
    }
}
