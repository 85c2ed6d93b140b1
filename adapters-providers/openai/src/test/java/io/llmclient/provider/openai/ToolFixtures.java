package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ChatRequest;
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
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The tool-calling recordings and what goes with them: the requests that produced them (from
 * openai-python's tests, {@code SOURCES.md}), the calls they contain, and answers composed from
 * recorded pieces where no recording exists (a non-streamed tool-call completion, a JSON text
 * stream). Every composed body is a recorded body with only the named members changed.
 */
final class ToolFixtures {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private static final ObjectMapper JSON = new ObjectMapper();

    /** The call in {@code chat-stream-toolcall.sse}, its arguments joined exactly as recorded. */
    static final ToolCall WEATHER_CALL = new ToolCall("call_CTf1nWJLqSeRgDqaCG27xZ74", "get_weather",
            "{\"city\":\"San Francisco\",\"state\":\"CA\"}");
    /** The two calls in {@code chat-stream-toolcall-parallel.sse}, in their order. */
    static final List<ToolCall> PARALLEL_CALLS = List.of(
            new ToolCall("call_JMW1whyEaYG438VE1OIflxA2", "GetWeatherArgs",
                    "{\"city\": \"Edinburgh\", \"country\": \"GB\", \"units\": \"c\"}"),
            new ToolCall("call_DNYTawLBoN8fj3KN6qU9N1Ou", "get_stock_price",
                    "{\"ticker\": \"AAPL\", \"exchange\": \"NASDAQ\"}"));

    /** The strict tool of openai-python's {@code test_parse_strict_tools}, behind {@code chat-stream-toolcall.sse}. */
    static final ToolDefinition GET_WEATHER = new ToolDefinition("get_weather", Optional.empty(), ordered(
            "type", "object",
            "properties", ordered("city", Map.of("type", "string"), "state", Map.of("type", "string")),
            "required", List.of("city", "state"),
            "additionalProperties", false), true);

    /** The wire form of {@link #GET_WEATHER}, as openai-python sent it. */
    static final String GET_WEATHER_WIRE = """
            {"type": "function", "function": {"name": "get_weather",
              "parameters": {"type": "object",
                             "properties": {"city": {"type": "string"}, "state": {"type": "string"}},
                             "required": ["city", "state"], "additionalProperties": false},
              "strict": true}}""";

    /**
     * The tools of openai-python's {@code test_parse_multiple_pydantic_tools}, behind
     * {@code chat-stream-toolcall-parallel.sse} (names and descriptions as there; the schemas
     * pydantic generated are abridged to their properties).
     */
    static final List<ToolDefinition> PARALLEL_TOOLS = List.of(
            new ToolDefinition("GetWeatherArgs", Optional.of("Get the temperature for the given country/city combo"),
                    ordered("type", "object", "properties", ordered("city", Map.of("type", "string"),
                                    "country", Map.of("type", "string"), "units", Map.of("enum", List.of("c", "f"))),
                            "required", List.of("city", "country", "units"), "additionalProperties", false), true),
            new ToolDefinition("get_stock_price", Optional.of("Fetch the latest price for a given ticker"),
                    ordered("type", "object", "properties", ordered("ticker", Map.of("type", "string"),
                                    "exchange", Map.of("type", "string")),
                            "required", List.of("ticker", "exchange"), "additionalProperties", false), true));

    private ToolFixtures() {
    }

    /** The user message of the single-call recording (and of the recorded text answers). */
    static ChatRequest weatherTools(Optional<ToolChoice> choice, boolean stream) {
        return request(List.of(new Message(Role.USER, "What's the weather like in SF?")), List.of(GET_WEATHER),
                choice, Optional.empty(), stream);
    }

    /** The two user messages and two tools of the parallel recording. */
    static ChatRequest parallelTools(boolean stream) {
        return request(List.of(new Message(Role.USER, "What's the weather like in Edinburgh?"),
                        new Message(Role.USER, "What's the price of AAPL?")), PARALLEL_TOOLS, Optional.empty(),
                Optional.empty(), stream);
    }

    static ChatRequest request(List<Message> messages, List<ToolDefinition> tools, Optional<ToolChoice> choice,
                               Optional<ResponseFormat> format, boolean stream) {
        return ChatRequests.builder().model(TestRequests.GPT_41_MINI.id()).messages(messages).stream(stream)
                .context(TestRequests.A2A).tools(tools).toolChoice(choice).responseFormat(format).build();
    }

    /**
     * Composed: {@code chat-response-recorded.json} answering with {@code calls} instead of text
     * ({@code content: null}, as OpenAI sends it), with this finish reason.
     */
    static String toolCallCompletion(List<ToolCall> calls, String finishReason) {
        ObjectNode body = recordedCompletion();
        ObjectNode message = (ObjectNode) body.at("/choices/0/message");
        message.putNull("content");
        ArrayNode wire = message.putArray("tool_calls");
        for (ToolCall call : calls) {
            ObjectNode entry = wire.addObject().put("id", call.id()).put("type", "function");
            entry.putObject("function").put("name", call.name()).put("arguments", call.arguments());
        }
        ((ObjectNode) body.at("/choices/0")).put("finish_reason", finishReason);
        return body.toString();
    }

    /** Composed: {@code chat-response-recorded.json} answering this text. */
    static String textCompletion(String content) {
        ObjectNode body = recordedCompletion();
        ((ObjectNode) body.at("/choices/0/message")).put("content", content);
        return body.toString();
    }

    /**
     * Composed: {@code chat-stream.sse} with its content chunks replaced by one chunk per piece
     * (the role chunk, the finish chunk, the usage chunk and {@code [DONE]} kept as recorded).
     */
    static String textStream(List<String> pieces) {
        String[] events = FIXTURES.text("chat-stream.sse").split("\n\n");
        var out = new ArrayList<String>();
        out.add(events[0]);
        for (String piece : pieces) {
            ObjectNode chunk = read(events[1].substring("data: ".length()));
            ((ObjectNode) chunk.at("/choices/0/delta")).put("content", piece);
            out.add("data: " + chunk);
        }
        out.addAll(List.of(events).subList(events.length - 3, events.length));
        return String.join("\n\n", out) + "\n\n";
    }

    /** Composed: a recorded tool-call stream whose finish chunk says {@code stop}, as a forced call's does. */
    static String withStopFinish(String fixture) {
        String recorded = FIXTURES.text(fixture);
        String stopped = recorded.replace("\"finish_reason\":\"tool_calls\"", "\"finish_reason\":\"stop\"");
        if (stopped.equals(recorded)) {
            throw new IllegalStateException(fixture + " has no tool_calls finish");
        }
        return stopped;
    }

    private static ObjectNode recordedCompletion() {
        try {
            return (ObjectNode) JSON.readTree(FIXTURES.bytes("chat-response-recorded.json"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON object with its members in this order (schemas are sent as given). */
    static Map<String, Object> ordered(Object... keysAndValues) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }
}
