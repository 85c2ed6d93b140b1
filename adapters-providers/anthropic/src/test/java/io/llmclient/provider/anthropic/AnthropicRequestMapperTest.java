package io.llmclient.provider.anthropic;

import static io.llmclient.provider.anthropic.TestRequests.assistant;
import static io.llmclient.provider.anthropic.TestRequests.request;
import static io.llmclient.provider.anthropic.TestRequests.system;
import static io.llmclient.provider.anthropic.TestRequests.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AnthropicRequestMapperTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void theDocumentedSystemPromptRequestIsReproducedExactly() {
        ObjectNode wire = AnthropicRequestMapper.map(TestRequests.dataScientist(), "claude-3-7-sonnet-20250219", 4096, false);
        assertEquals(FIXTURES.json("messages-request.json"), wire);
    }

    @Test
    void systemMessagesMoveToTheTopLevelSystemFieldJoinedInOrder() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(system("Be brief."), user("Hi"), system("Answer in French.")), "m", 100, false);
        assertEquals(json("""
                {"model":"m","max_tokens":100,"system":"Be brief.\\n\\nAnswer in French.",
                 "messages":[{"role":"user","content":"Hi"}]}"""), wire);
    }

    @Test
    void withoutSystemMessagesNoSystemFieldIsSent() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false);
        assertFalse(wire.has("system"));
    }

    @Test
    void consecutiveTurnsOfTheSameRoleAreMergedIntoOne() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(user("a"), user("b"), assistant("c"), assistant("d"), user("e")), "m", 100, false);
        assertEquals(json("""
                [{"role":"user","content":"a\\n\\nb"},{"role":"assistant","content":"c\\n\\nd"},
                 {"role":"user","content":"e"}]"""), wire.get("messages"));
    }

    @Test
    void turnsThatBecomeNeighboursWhenASystemMessageMovesOutAreMerged() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("a"), system("s"), user("b")), "m", 100, false);
        assertEquals(json("[{\"role\":\"user\",\"content\":\"a\\n\\nb\"}]"), wire.get("messages"));
    }

    @Test
    void theCallersMaxTokensWinsOverTheDefault() {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(OptionalDouble.empty(), OptionalInt.of(256), user("Hi")), "m", 4096, false);
        assertEquals(256, wire.get("max_tokens").intValue());
    }

    @Test
    void withoutMaxTokensTheDefaultIsSentBecauseAnthropicRequiresIt() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 4096, false);
        assertEquals(4096, wire.get("max_tokens").intValue());
    }

    @Test
    void aTemperatureWithinAnthropicsRangeIsSentAsGiven() {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(OptionalDouble.of(0.7), OptionalInt.empty(), user("Hi")), "m", 100, false);
        assertEquals(0.7, wire.get("temperature").doubleValue());
    }

    @Test
    void aTemperatureAboveOneIsClampedToOne() {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(OptionalDouble.of(1.7), OptionalInt.empty(), user("Hi")), "m", 100, false);
        assertEquals(1.0, wire.get("temperature").doubleValue());
    }

    @Test
    void withoutTemperatureNoneIsSent() {
        assertFalse(AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false).has("temperature"));
    }

    @Test
    void aStreamAsksForStreamTrue() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 100, true);
        assertEquals(true, wire.get("stream").booleanValue());
    }

    @Test
    void aCompletionSendsNoStreamField() {
        assertFalse(AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false).has("stream"));
    }

    // ---- tools ---------------------------------------------------------------------------------

    private static ChatRequest withTools(List<ToolDefinition> tools, Message... messages) {
        return ChatRequests.builder().messages(messages).context(TestRequests.A2A).tools(tools).build();
    }

    @Test
    void aToolIsSentAsNameDescriptionAndInputSchema() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(withTools(List.of(ToolDefinition.function("get_weather", "Weather",
                Map.of("type", "object"))), user("Hi")), "m", 100, false);
        assertEquals(json("[{\"name\":\"get_weather\",\"description\":\"Weather\",\"input_schema\":{\"type\":\"object\"}}]"),
                wire.get("tools"));
    }

    @Test
    void aStrictToolIsSentStrictAndAToolWithoutDescriptionSendsNone() throws IOException {
        var tool = new ToolDefinition("now", Optional.empty(), ToolDefinition.NO_PARAMETERS, true);
        ObjectNode wire = AnthropicRequestMapper.map(withTools(List.of(tool), user("Hi")), "m", 100, false);
        assertEquals(json("[{\"name\":\"now\",\"input_schema\":{\"type\":\"object\",\"properties\":{}},\"strict\":true}]"),
                wire.get("tools"));
    }

    @Test
    void parametersWithoutATypeAreSentAsAnObjectSchemaBecauseAnthropicRequiresTheType() throws IOException {
        var tool = new ToolDefinition("f", Optional.empty(), Map.of("properties", Map.of("a", Map.of("type", "string"))),
                false);
        ObjectNode wire = AnthropicRequestMapper.map(withTools(List.of(tool), user("Hi")), "m", 100, false);
        assertEquals(json("{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"string\"}}}"),
                wire.get("tools").get(0).get("input_schema"));
        assertEquals("type", wire.get("tools").get(0).get("input_schema").fieldNames().next(), "type comes first");
    }

    @Test
    void withoutToolsNeitherToolsNorAToolChoiceIsSent() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false);
        assertFalse(wire.has("tools"));
        assertFalse(wire.has("tool_choice"));
    }

    @Test
    void toolCallArgumentsReachTheWireWithTheirNumbersExactly() {
        var call = new ToolCall("toolu_1", "buy", "{\"price\": 19.90, \"qty\": 3, \"big\": 12345678901234567890}");
        ObjectNode wire = AnthropicRequestMapper.map(withTools(List.of(),
                user("Buy"), Message.assistantCalling("", List.of(call)), Message.toolResult("toolu_1", "ok")), "m", 100, false);
        String input = WireJson.compact(wire.get("messages").get(1).get("content").get(0).get("input"));
        assertEquals("{\"price\":19.90,\"qty\":3,\"big\":12345678901234567890}", input);
    }

    @Test
    void blankArgumentsAreAnEmptyInputAndAnEmptyToolResultSendsNoContent() throws IOException {
        var call = new ToolCall("toolu_1", "now", "");
        ObjectNode wire = AnthropicRequestMapper.map(withTools(List.of(),
                user("Time?"), Message.assistantCalling("", List.of(call)), Message.toolResult("toolu_1", "")), "m", 100, false);
        assertEquals(json("""
                [{"role":"user","content":"Time?"},
                 {"role":"assistant","content":[{"type":"tool_use","id":"toolu_1","name":"now","input":{}}]},
                 {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1"}]}]"""), wire.get("messages"));
    }

    @Test
    void anAssistantTextTurnFollowedByItsToolCallsBecomesOneTurnOfBlocks() throws IOException {
        var call = new ToolCall("toolu_1", "now", "{}");
        ObjectNode wire = AnthropicRequestMapper.map(withTools(List.of(), user("Time?"), assistant("Let me look."),
                Message.assistantCalling("", List.of(call)), Message.toolResult("toolu_1", "noon")), "m", 100, false);
        assertEquals(json("""
                {"role":"assistant","content":[{"type":"text","text":"Let me look."},
                 {"type":"tool_use","id":"toolu_1","name":"now","input":{}}]}"""), wire.get("messages").get(1));
    }

    @Test
    void everyUntranslatableFieldIsReportedAtOnce() {
        var first = new ToolCall("toolu_1", "f", "[1]");
        var second = new ToolCall("toolu_2", "f", "not json");
        ChatRequest request = ChatRequests.builder().messages(user("x"),
                        Message.assistantCalling("", List.of(first, second)), Message.toolResult("toolu_1", "a"),
                        Message.toolResult("toolu_2", "b"))
                .context(TestRequests.A2A).responseFormat(ResponseFormat.JSON_OBJECT).build();
        LlmFailure failure = assertThrows(LlmFailureException.class,
                () -> AnthropicRequestMapper.map(request, "m", 100, false)).failure();
        var invalid = assertInstanceOf(LlmFailure.InvalidParams.class, failure);
        assertEquals(List.of("messages[1].tool_calls[0].function.arguments", "messages[1].tool_calls[1].function.arguments",
                "response_format"), invalid.errors().stream().map(FieldError::field).toList());
    }
}
