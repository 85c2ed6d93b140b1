package io.llmclient.domain.chat;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.testing.ChatResponses;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ChatValuesTest {

    @Test
    void usageTotalIsPromptPlusCompletion() {
        assertEquals(12, new Usage(9, 3).totalTokens());
        assertEquals(0, Usage.ZERO.totalTokens());
    }

    @Test
    void usageRefusesNegativeCounts() {
        assertThrows(IllegalArgumentException.class, () -> new Usage(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> new Usage(0, -1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"openai", "a", "my-provider-2", "abcdefghijklmnopqrstuvwxyz012345"})
    void providerIdAcceptsLowerCaseLettersDigitsAndDashesStartingWithALetter(String value) {
        assertEquals(value, new ProviderId(value).value());
        assertEquals(value, new ProviderId(value).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "OpenAI", "1provider", "-x", "has space", "under_score", "a.b",
        "abcdefghijklmnopqrstuvwxyz0123456"})
    void providerIdRefusesOtherShapes(String value) {
        assertThrows(IllegalArgumentException.class, () -> new ProviderId(value));
    }

    @Test
    void providerIdRefusesNull() {
        assertThrows(NullPointerException.class, () -> new ProviderId(null));
    }

    @Test
    void wellKnownProvidersAreTheContractsThreePlusTheSimulator() {
        assertEquals(java.util.Set.of(new ProviderId("openai"), new ProviderId("anthropic"), new ProviderId("gemini"),
                new ProviderId("simulator")), ProviderId.WELL_KNOWN);
    }

    @Test
    void roleFromWireParsesTheLowerCaseNamesOnly() {
        assertEquals(Optional.of(Role.SYSTEM), Role.fromWire("system"));
        assertEquals(Optional.of(Role.USER), Role.fromWire("user"));
        assertEquals(Optional.of(Role.ASSISTANT), Role.fromWire("assistant"));
        assertEquals(Optional.empty(), Role.fromWire("USER"));
        assertEquals(Optional.of(Role.TOOL), Role.fromWire("tool"));
        assertEquals(Optional.empty(), Role.fromWire("function"));
        assertEquals(Optional.empty(), Role.fromWire(null));
    }

    @Test
    void modelTierFromWireParsesTheLowerCaseNamesOnly() {
        assertEquals(Optional.of(ModelTier.FAST), ModelTier.fromWire("fast"));
        assertEquals(Optional.of(ModelTier.BALANCED), ModelTier.fromWire("balanced"));
        assertEquals(Optional.of(ModelTier.PREMIUM), ModelTier.fromWire("premium"));
        assertEquals(Optional.empty(), ModelTier.fromWire("Fast"));
        assertEquals(Optional.empty(), ModelTier.fromWire(null));
    }

    @Test
    void complexityFromWireParsesTheLowerCaseNamesOnly() {
        assertEquals(Optional.of(Complexity.LOW), Complexity.fromWire("low"));
        assertEquals(Optional.of(Complexity.MEDIUM), Complexity.fromWire("medium"));
        assertEquals(Optional.of(Complexity.HIGH), Complexity.fromWire("high"));
        assertEquals(Optional.empty(), Complexity.fromWire("HIGH"));
        assertEquals(Optional.empty(), Complexity.fromWire(""));
    }

    @Test
    void finishReasonWireNamesAreTheContractsFive() {
        assertEquals(List.of("stop", "length", "content_filter", "tool_calls", "error"),
                java.util.Arrays.stream(FinishReason.values()).map(FinishReason::wireName).toList());
    }

    @Test
    void missingSourceAgentIsRecordedAsUnknown() {
        assertEquals("unknown", A2aContext.ofTrace("t").sourceAgentOrUnknown());
        assertEquals("planner", new A2aContext("t", Optional.of("planner"), Optional.empty()).sourceAgentOrUnknown());
    }

    @Test
    void a2aContextNeedsATraceId() {
        assertThrows(NullPointerException.class, () -> A2aContext.ofTrace(null));
    }

    @Test
    void messageNeedsRoleAndContent() {
        assertThrows(NullPointerException.class, () -> new Message(null, "x"));
        assertThrows(NullPointerException.class, () -> new Message(Role.USER, null));
    }

    @Test
    void chatRequestRefusesNoMessages() {
        assertThrows(IllegalArgumentException.class, () -> ChatRequest.of("m", List.of(), A2aContext.ofTrace("t")));
    }

    @Test
    void chatRequestCopiesItsMessagesSoLaterChangesDoNotLeakIn() {
        var messages = new ArrayList<>(List.of(new Message(Role.USER, "hi")));
        var request = ChatRequest.of("m", messages, A2aContext.ofTrace("t"));
        messages.add(new Message(Role.USER, "later"));
        assertEquals(1, request.messages().size());
    }

    @Test
    void chatRequestOfIsAPlainRequestForOneModel() {
        var request = ChatRequest.of("m", List.of(new Message(Role.USER, "hi")), A2aContext.ofTrace("t"));
        assertEquals(ChatRequests.builder().model("m").user("hi").traceId("t").build(), request);
    }

    @Test
    void withLatencyReplacesOnlyTheLatency() {
        var answer = ChatResponses.builder().id("id-1").model("gpt-4.1-mini").providerModel("gpt-4.1-mini-2025-04-14")
                .provider(ProviderId.OPENAI).content("Hi!").usage(9, 3).traceId("t-123").latency(Duration.ZERO);
        var measured = answer.build().withLatency(Duration.ofMillis(412));
        assertEquals(answer.latency(Duration.ofMillis(412)).build(), measured);
    }

    @Test
    void chatResponseRefusesAMissingField() {
        var error = assertThrows(NullPointerException.class, () -> ChatResponses.builder().content(null).build());
        assertTrue(error.getMessage().contains("content"));
    }
}
