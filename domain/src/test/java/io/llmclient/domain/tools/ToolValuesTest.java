package io.llmclient.domain.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.testing.ChatResponses;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolValuesTest {
    private static final A2aContext A2A = A2aContext.ofTrace("t");
    private static final List<Message> HELLO = List.of(new Message(Role.USER, "Hello"));

    private static ChatRequest withTools(List<ToolDefinition> tools, Optional<ToolChoice> choice) {
        return ChatRequests.builder().model("m").messages(HELLO).context(A2A).tools(tools).toolChoice(choice).build();
    }

    @Test
    void aSchemaIsCopiedDeeplyKeepingOrderAndNulls() {
        var inner = new ArrayList<Object>(Arrays.asList("a", null, 1L, 2.5, BigDecimal.ONE, true));
        var schema = new LinkedHashMap<String, Object>();
        schema.put("type", "object");
        schema.put("default", null);
        schema.put("enum", inner);
        var tool = ToolDefinition.function("f", "d", schema);
        inner.add("later");

        assertEquals(List.of("type", "default", "enum"), List.copyOf(tool.parameters().keySet()));
        assertEquals(Arrays.asList("a", null, 1L, 2.5, BigDecimal.ONE, true), tool.parameters().get("enum"));
        assertThrows(UnsupportedOperationException.class, () -> tool.parameters().put("x", 1));
    }

    @Test
    void aSchemaHoldsOnlyJsonValues() {
        assertThrows(IllegalArgumentException.class,
                () -> ToolDefinition.function("f", "d", Map.of("type", new Object())));
        var nonStringKey = new HashMap<Object, Object>();
        nonStringKey.put(1, "x");
        assertThrows(IllegalArgumentException.class,
                () -> ToolDefinition.function("f", "d", Map.of("properties", nonStringKey)));
    }

    @Test
    void aToolNameFollowsTheCommonRule() {
        assertThrows(IllegalArgumentException.class, () -> ToolDefinition.function("get weather", "d", Map.of()));
        assertThrows(IllegalArgumentException.class, () -> ToolDefinition.function("x".repeat(65), "d", Map.of()));
    }

    @Test
    void aJsonSchemaFormatCopiesItsSchema() {
        var schema = new LinkedHashMap<String, Object>(Map.of("type", "object"));
        var format = new ResponseFormat.JsonSchema("w", Optional.empty(), schema, true);
        schema.put("extra", 1);
        assertEquals(Map.of("type", "object"), format.schema());
    }

    @Test
    void aRequestRefusesDuplicateToolsAndChoicesItCannotHonour() {
        var tool = ToolDefinition.function("f", "d", Map.of());
        assertThrows(IllegalArgumentException.class, () -> withTools(List.of(tool, tool), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> withTools(List.of(tool), Optional.of(new ToolChoice.Named("g"))));
        assertThrows(IllegalArgumentException.class, () -> withTools(List.of(), Optional.of(ToolChoice.REQUIRED)));
        assertEquals(new ToolChoice.Named("f"), withTools(List.of(tool), Optional.of(new ToolChoice.Named("f")))
                .effectiveToolChoice());
    }

    @Test
    void aFollowUpKeepsEverythingButTheMessages() {
        var tool = ToolDefinition.function("f", "d", Map.of());
        ChatRequest first = withTools(List.of(tool), Optional.of(ToolChoice.AUTO));
        var next = List.of(new Message(Role.USER, "again"));

        ChatRequest followUp = first.withConversation(next);

        assertEquals(next, followUp.messages());
        assertEquals(first.tools(), followUp.tools());
        assertEquals(first.toolChoice(), followUp.toolChoice());
    }

    @Test
    void onlyAssistantsCallToolsAndOnlyToolMessagesNameACall() {
        var call = List.of(new ToolCall("c1", "f", "{}"));
        assertThrows(IllegalArgumentException.class,
                () -> new Message(Role.USER, "q", call, Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new Message(Role.TOOL, "r", List.of(), Optional.empty()));
        assertThrows(IllegalArgumentException.class,
                () -> new Message(Role.ASSISTANT, "a", List.of(), Optional.of("c1")));
        assertEquals(call, Message.assistantCalling("", call).toolCalls());
        assertEquals(Optional.of("c1"), Message.toolResult("c1", "r").toolCallId());
    }

    @Test
    void aTextResponseHasNoToolCallsAndLatencyKeepsThem() {
        var text = new ChatResponse("id", "m", "m", ProviderId.SIMULATOR, "hi", FinishReason.STOP, Usage.ZERO, "t",
                Duration.ZERO);
        var calls = List.of(new ToolCall("c1", "f", "{}"));
        var calling = ChatResponses.builder().id("id").model("m").provider(ProviderId.SIMULATOR).content("")
                .toolCalls(calls).finishReason(FinishReason.TOOL_CALLS).usage(Usage.ZERO).traceId("t").build();

        assertEquals(List.of(), text.toolCalls());
        assertEquals(calls, calling.withLatency(Duration.ofMillis(5)).toolCalls());
    }

    @Test
    void theToolRoleHasItsWireName() {
        assertEquals("tool", Role.TOOL.wireName());
        assertEquals(Optional.of(Role.TOOL), Role.fromWire("tool"));
    }

    @Test
    void aToolCallHasNoThoughtSignatureUnlessGivenOneThatIsNotBlank() {
        var call = new ToolCall("c", "f", "{}");

        assertEquals(Optional.empty(), call.thoughtSignature());
        assertEquals(new ToolCall("c", "f", "{}", Optional.of("sig-test")), call.withThoughtSignature("sig-test"));
        assertThrows(IllegalArgumentException.class, () -> call.withThoughtSignature(""));
        assertThrows(NullPointerException.class, () -> new ToolCall("c", "f", "{}", null));
    }
}
