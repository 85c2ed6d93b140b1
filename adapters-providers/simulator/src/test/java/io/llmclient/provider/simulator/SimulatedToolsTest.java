package io.llmclient.provider.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.CallContext;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The simulator's tool calls and JSON answers, rule by rule (docs/tool-calling.md, "Simulator"). */
class SimulatedToolsTest {
    private static final ModelEntry SIM_FAST = ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST);
    private static final CallContext CONTEXT = new CallContext(SIM_FAST, A2aContext.ofTrace("t-1"));
    private static final SimulatorProvider SIMULATOR =
            new SimulatorProvider(true, new Pacing(Duration.ZERO, Duration.ZERO), duration -> { });

    private static Map<String, Object> ordered(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static final ToolDefinition WEATHER = ToolDefinition.function("get_weather", "Weather of a city",
            ordered("type", "object", "properties", ordered(
                    "city", Map.of("type", "string"),
                    "country", Map.of("type", "string"),
                    "unit", Map.of("type", "string", "enum", List.of("celsius", "fahrenheit")),
                    "days", Map.of("type", "integer"),
                    "detailed", Map.of("type", "boolean"),
                    "hours", Map.of("type", "array", "items", Map.of("type", "number")),
                    "where", ordered("properties", ordered("lat", Map.of("type", List.of("null", "number")))),
                    "note", Map.of("anyOf", List.of(Map.of("const", "fixed"), Map.of("type", "string"))),
                    "ref", Map.of("$ref", "#/defs/x"))));
    private static final ToolDefinition TIME = ToolDefinition.function("get_time", "Time in a zone",
            ordered("type", "object", "properties", ordered("zone", Map.of("type", "string"))));

    private static ChatRequest request(List<Message> messages, Optional<ToolChoice> choice, OptionalInt maxTokens) {
        return ChatRequests.builder().model("sim-fast").messages(messages).maxTokens(maxTokens).traceId("t-1")
                .tools(WEATHER, TIME).toolChoice(choice).build();
    }

    private static ChatRequest ask(String prompt, Optional<ToolChoice> choice) {
        return request(List.of(new Message(Role.USER, prompt)), choice, OptionalInt.empty());
    }

    private static List<StreamEvent> streamed(ChatRequest request) {
        var events = new ArrayList<StreamEvent>();
        SIMULATOR.stream(request, CONTEXT, events::add);
        return events;
    }

    @Test
    void argumentsFollowTheSchemaFilledFromThePromptsLastWords() {
        ChatResponse response = SIMULATOR.complete(ask("Use get_weather: rain in Paris, France",
                Optional.empty()), CONTEXT);

        assertEquals(FinishReason.TOOL_CALLS, response.finishReason());
        assertEquals("", response.content());
        assertEquals(1, response.toolCalls().size());
        assertEquals("get_weather", response.toolCalls().getFirst().name());
        assertEquals("{\"city\":\"France\",\"country\":\"Paris\",\"unit\":\"celsius\",\"days\":7,\"detailed\":true,"
                + "\"hours\":[7.5],\"where\":{\"lat\":7.5},\"note\":\"fixed\",\"ref\":null}",
                response.toolCalls().getFirst().arguments());
    }

    @Test
    void autoCallsNoToolWhenThePromptNamesNone() {
        ChatResponse response = SIMULATOR.complete(ask("What is the weather in Paris?", Optional.empty()), CONTEXT);

        assertEquals(List.of(), response.toolCalls());
        assertEquals(FinishReason.STOP, response.finishReason());
    }

    @Test
    void requiredCallsTheFirstToolWhenThePromptNamesNone() {
        ChatResponse response = SIMULATOR.complete(ask("Hello", Optional.of(ToolChoice.REQUIRED)), CONTEXT);

        assertEquals(List.of("get_weather"), response.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals("{\"city\":\"Hello\",\"country\":\"Hello\",\"unit\":\"celsius\",\"days\":1,\"detailed\":true,"
                + "\"hours\":[1.5],\"where\":{\"lat\":1.5},\"note\":\"fixed\",\"ref\":null}",
                response.toolCalls().getFirst().arguments());
    }

    @Test
    void aPromptNamingTwoToolsGetsTwoCallsInDeclarationOrder() {
        ChatResponse response = SIMULATOR.complete(ask("GET_TIME and get_weather for Rome", Optional.empty()),
                CONTEXT);

        assertEquals(List.of("get_weather", "get_time"), response.toolCalls().stream().map(ToolCall::name).toList());
        assertEquals("{\"zone\":\"Rome\"}", response.toolCalls().get(1).arguments());
    }

    @Test
    void aNamedChoiceCallsOnlyThatTool() {
        ChatResponse response = SIMULATOR.complete(ask("get_weather in Oslo",
                Optional.of(new ToolChoice.Named("get_time"))), CONTEXT);

        assertEquals(List.of(new ToolCall(response.toolCalls().getFirst().id(), "get_time", "{\"zone\":\"Oslo\"}")),
                response.toolCalls());
    }

    @Test
    void theSameRequestGetsTheSameCallsStreamedOrNot() {
        ChatRequest request = ask("get_weather and get_time for Rome", Optional.empty());
        ChatResponse completed = SIMULATOR.complete(request, CONTEXT);
        var events = streamed(request);

        assertEquals(completed.toolCalls(), ((StreamEvent.Completed) events.getLast()).response().toolCalls());
        assertEquals(completed.usage(), ((StreamEvent.Completed) events.getLast()).response().usage());
        assertTrue(completed.toolCalls().getFirst().id().startsWith("call_"), completed.toolCalls().toString());
    }

    @Test
    void aStreamedCallStartsWithItsIdAndNameThenSendsItsArgumentsTokenByToken() {
        var events = streamed(ask("Use get_time in Tokyo", Optional.empty()));
        ToolCall call = ((StreamEvent.Completed) events.getLast()).response().toolCalls().getFirst();

        assertEquals(StreamEvent.ToolCallDelta.start(0, call.id(), "get_time", ""), events.getFirst());
        assertEquals(List.of("{", "\"", "zone", "\"", ":", "\"", "Tokyo", "\"", "}"),
                events.subList(1, events.size() - 1).stream()
                        .map(event -> ((StreamEvent.ToolCallDelta) event).arguments()).toList());
    }

    @Test
    void afterToolResultsTheSimulatorAnswersInTextNamingTheResults() {
        var call = new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}");
        var messages = List.of(new Message(Role.USER, "Use get_weather for Paris"),
                Message.assistantCalling("", List.of(call)), Message.toolResult("call_1", "{\"temperature\":21}"));

        ChatResponse response = SIMULATOR.complete(request(messages, Optional.of(ToolChoice.REQUIRED),
                OptionalInt.empty()), CONTEXT);

        assertEquals(List.of(), response.toolCalls());
        assertEquals(FinishReason.STOP, response.finishReason());
        assertTrue(response.content().startsWith("Simulated reply from sim-fast using get_weather "
                + "\"{\"temperature\":21}\":"), response.content());
    }

    @Test
    void maxTokensCutsACallShortWithFinishReasonLength() {
        ChatResponse response = SIMULATOR.complete(request(List.of(new Message(Role.USER, "get_time in Oslo")),
                Optional.empty(), OptionalInt.of(5)), CONTEXT);

        // get_time is 3 tokens (get, _, time), then 2 tokens of arguments.
        assertEquals(FinishReason.LENGTH, response.finishReason());
        assertEquals("{\"", response.toolCalls().getFirst().arguments());
        assertEquals(5, response.usage().completionTokens());
    }

    @Test
    void declaredToolsCountAsPromptTokens() {
        var plain = ChatRequests.builder().model("sim-fast").user("Hi").traceId("t").build();
        int withTools = SimulatorProvider.promptTokens(ask("Hi", Optional.of(ToolChoice.NONE)));

        assertEquals(2, SimulatorProvider.promptTokens(plain));
        assertTrue(withTools > 2, () -> "tools add tokens: " + withTools);
    }

    @Test
    void jsonModeWrapsTheReplyInAnObject() {
        var request = ChatRequests.builder().model("sim-fast").user("Hi").traceId("t")
                .responseFormat(ResponseFormat.JSON_OBJECT).build();

        String content = SIMULATOR.complete(request, CONTEXT).content();

        assertTrue(content.startsWith("{\"reply\":\"Simulated reply from sim-fast to \\\"Hi\\\":"), content);
        assertTrue(content.endsWith(".\"}"), content);
    }

    @Test
    void aJsonSchemaAnswerIsTheSchemaFilledFromThePrompt() {
        var schema = ordered("type", "object", "properties", ordered("city", Map.of("type", "string"),
                "sunny", Map.of("type", "boolean")));
        var request = ChatRequests.builder().model("sim-fast").user("Weather in Lima").traceId("t")
                .responseFormat(new ResponseFormat.JsonSchema("w", Optional.empty(), schema, true)).build();

        assertEquals("{\"city\":\"Lima\",\"sunny\":true}", SIMULATOR.complete(request, CONTEXT).content());
    }

    @Test
    void aPromptWithoutWordsFillsStringsWithAPlaceholder() {
        assertEquals("{\"zone\":\"simulated\"}", SchemaValues.json(TIME.parameters(), List.of()));
        assertEquals("{\"a\":null}", SchemaValues.json(Map.of("type", "object", "properties",
                Map.of("a", "not a schema")), List.of()));
    }
}
