package io.llmclient.domain.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.stream.StreamEvent.ToolCallDelta;
import io.llmclient.domain.tools.ToolCall;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ToolCallAssemblerTest {

    @Test
    void fragmentsOfInterleavedCallsAreReassembledExactlyByIndex() {
        var assembler = new ToolCallAssembler();
        assertTrue(assembler.isEmpty());

        assembler.add(ToolCallDelta.start(0, "c0", "get_weather", ""));
        assembler.add(ToolCallDelta.arguments(0, "{\"ci"));
        assembler.add(ToolCallDelta.start(1, "c1", "get_stock_price", "{\"ti"));
        assembler.add(ToolCallDelta.arguments(0, "ty\": \"Edinburgh\"}"));
        assembler.add(ToolCallDelta.arguments(1, "cker\": \"AAPL\"}"));

        assertFalse(assembler.isEmpty());
        assertEquals(List.of(new ToolCall("c0", "get_weather", "{\"city\": \"Edinburgh\"}"),
                new ToolCall("c1", "get_stock_price", "{\"ticker\": \"AAPL\"}")), assembler.toolCalls());
    }

    @Test
    void aCallMustStartInIndexOrderAndOnce() {
        var assembler = new ToolCallAssembler();
        assertThrows(IllegalArgumentException.class, () -> assembler.add(ToolCallDelta.start(1, "c", "f", "")));
        assembler.add(ToolCallDelta.start(0, "c", "f", ""));
        assertThrows(IllegalArgumentException.class, () -> assembler.add(ToolCallDelta.start(0, "c", "f", "")));
    }

    @Test
    void argumentsForACallNotStartedAreRefused() {
        assertThrows(IllegalArgumentException.class,
                () -> new ToolCallAssembler().add(ToolCallDelta.arguments(0, "{}")));
    }

    @Test
    void aFragmentCarriesIdAndNameTogetherOrNeither() {
        assertThrows(IllegalArgumentException.class,
                () -> new ToolCallDelta(0, Optional.of("c"), Optional.empty(), ""));
        assertThrows(IllegalArgumentException.class, () -> ToolCallDelta.arguments(-1, ""));
        assertThrows(NullPointerException.class, () -> ToolCallDelta.arguments(0, null));
        assertTrue(ToolCallDelta.start(0, "c", "f", "").starts());
        assertFalse(ToolCallDelta.arguments(0, "x").starts());
    }

    @Test
    void aCallKeepsTheThoughtSignatureOfItsFirstFragment() {
        var assembler = new ToolCallAssembler();
        assembler.add(ToolCallDelta.start(0, "c0", "f", "{").withThoughtSignature("sig-test"));
        assembler.add(ToolCallDelta.arguments(0, "}"));
        assembler.add(ToolCallDelta.start(1, "c1", "g", "{}"));

        assertEquals(List.of(new ToolCall("c0", "f", "{}", Optional.of("sig-test")), new ToolCall("c1", "g", "{}")),
                assembler.toolCalls());
    }

    @Test
    void onlyAFirstFragmentCarriesAThoughtSignatureAndNeverABlankOne() {
        assertThrows(IllegalArgumentException.class, () -> ToolCallDelta.arguments(0, "{}").withThoughtSignature("s"));
        assertThrows(IllegalArgumentException.class, () -> ToolCallDelta.start(0, "c", "f", "").withThoughtSignature(" "));
        assertThrows(NullPointerException.class,
                () -> new ToolCallDelta(0, Optional.of("c"), Optional.of("f"), "", null));
        assertEquals(Optional.empty(), ToolCallDelta.start(0, "c", "f", "").thoughtSignature());
    }
}
