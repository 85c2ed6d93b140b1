package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class OpenAiRequestMapperTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private static final ObjectMapper JSON = new ObjectMapper();
    // 0 and 0.0 are the same JSON number; Jackson's node equality tells them apart.
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : (a.equals(b) ? 0 : 1);

    private static void assertSameJson(JsonNode expected, JsonNode actual) {
        assertTrue(expected.equals(NUMBERS_BY_VALUE, actual), () -> "expected " + expected + "\n but was " + actual);
    }

    @Test
    void aStreamedRequestIsTheFixtureRequestExactly() throws IOException {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(true), "gpt-4.1-mini", true);
        assertSameJson(JSON.readTree(FIXTURES.bytes("chat-request.json")), wire);
    }

    @Test
    void theCookbooksIncludeUsageRequestIsReproducedExactly() throws IOException {
        var request = ChatRequests.builder().user("What's 1+1? Answer in one word.").temperature(0).stream(true)
                .traceId("t").build();
        var wire = OpenAiRequestMapper.map(request, "gpt-3.5-turbo", true);
        assertSameJson(JSON.readTree(FIXTURES.bytes("chat-request-stream-usage.json")), wire);
    }

    @Test
    void theTokenLimitIsSentAsMaxCompletionTokensNeverMaxTokens() {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(false), "gpt-5-mini", false);
        assertTrue(wire.get("max_completion_tokens").asInt() == 256);
        assertFalse(wire.has("max_tokens"));
    }

    @Test
    void aCompletionRequestAsksForNoStream() {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(false), "gpt-4.1-mini", false);
        assertFalse(wire.has("stream"));
        assertFalse(wire.has("stream_options"));
    }

    @Test
    void unsetSamplingOptionsAreLeftOut() {
        var wire = OpenAiRequestMapper.map(TestRequests.weatherRequest(), "gpt-4.1-mini", false);
        assertFalse(wire.has("temperature"));
        assertFalse(wire.has("max_completion_tokens"));
    }

    // ---- Tools (the exact wire bodies are verified on WireMock in OpenAiToolCallingTest) ----

    @Test
    void aSchemaKeepsItsMemberOrderAndValuesOnTheWire() throws IOException {
        var wire = OpenAiRequestMapper.map(ToolFixtures.weatherTools(Optional.empty(), false), "gpt-4o", false);
        // Text, not tree equality: the order of "properties" and "required" is the caller's.
        assertEquals("{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"state\":{\"type\":\"string\"}},"
                + "\"required\":[\"city\",\"state\"],\"additionalProperties\":false}",
                JSON.writeValueAsString(wire.at("/tools/0/function/parameters")));
    }

    @Test
    void aNonStrictToolWithoutDescriptionOrParametersSendsNeither() throws IOException {
        var tool = new ToolDefinition("ping", Optional.empty(), ToolDefinition.NO_PARAMETERS, false);
        var wire = OpenAiRequestMapper.map(ToolFixtures.request(List.of(new Message(Role.USER, "ping")), List.of(tool),
                Optional.empty(), Optional.empty(), false), "gpt-4o", false);
        assertSameJson(JSON.readTree("[{\"type\":\"function\",\"function\":{\"name\":\"ping\","
                + "\"parameters\":{\"type\":\"object\",\"properties\":{}}}}]"), wire.get("tools"));
    }

    @Test
    void aToolChoiceWithoutToolsIsNotSentSinceOpenAiRefusesIt() {
        var wire = OpenAiRequestMapper.map(ToolFixtures.request(List.of(new Message(Role.USER, "Hi")), List.of(),
                Optional.of(ToolChoice.NONE), Optional.empty(), false), "gpt-4o", false);
        assertFalse(wire.has("tools"));
        assertFalse(wire.has("tool_choice"));
    }

    @Test
    void aRequestWithoutToolsOrFormatSendsNoneOfTheirFields() {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(false), "gpt-4o", false);
        assertFalse(wire.has("tools"));
        assertFalse(wire.has("tool_choice"));
        assertFalse(wire.has("response_format"));
    }

    @Test
    void anAssistantMessageWithTextAndCallsKeepsItsText() throws IOException {
        var call = new ToolCall("call_1", "get_weather", "{\"city\": \"Paris\"}");
        var wire = OpenAiRequestMapper.map(ToolFixtures.request(List.of(new Message(Role.USER, "Paris?"),
                        Message.assistantCalling("Let me look.", List.of(call)), Message.toolResult("call_1", "21")),
                List.of(ToolFixtures.GET_WEATHER), Optional.empty(), Optional.empty(), false), "gpt-4o", false);
        assertSameJson(JSON.readTree("{\"role\":\"assistant\",\"content\":\"Let me look.\",\"tool_calls\":[{\"id\":\"call_1\","
                + "\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"{\\\"city\\\": \\\"Paris\\\"}\"}}]}"),
                wire.at("/messages/1"));
    }

    @Test
    void aTextResponseFormatIsSentWhenTheCallerAskedForIt() throws IOException {
        var wire = OpenAiRequestMapper.map(ToolFixtures.request(List.of(new Message(Role.USER, "Hi")), List.of(),
                Optional.empty(), Optional.of(ResponseFormat.TEXT), false), "gpt-4o", false);
        assertSameJson(JSON.readTree("{\"type\":\"text\"}"), wire.get("response_format"));
    }

    @Test
    void aJsonSchemaWithoutDescriptionOrStrictSendsNeither() throws IOException {
        var format = new ResponseFormat.JsonSchema("city", Optional.empty(), Map.of("type", "object"), false);
        var wire = OpenAiRequestMapper.map(ToolFixtures.request(List.of(new Message(Role.USER, "Hi")), List.of(),
                Optional.empty(), Optional.of(format), false), "gpt-4o", false);
        assertSameJson(JSON.readTree("{\"type\":\"json_schema\",\"json_schema\":{\"name\":\"city\",\"schema\":{\"type\":\"object\"}}}"),
                wire.get("response_format"));
    }
}
