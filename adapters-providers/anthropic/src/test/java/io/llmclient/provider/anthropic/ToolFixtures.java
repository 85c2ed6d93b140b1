package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * What the recorded tool exchange holds (anthropic-sdk-python's tool runner, 555fb399...): the
 * {@code get_weather} tool of {@code messages-stream-request.json}, the call streamed in
 * {@code messages-stream-tooluse.sse}, and its result in the request's last turn.
 */
final class ToolFixtures {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    static final String CALL_ID = "toolu_018acGYLtfR52q9yDbWaEdQZ";
    /** The non-empty {@code partial_json} fragments of the recorded stream, as cut. */
    static final List<String> FRAGMENTS = List.of("{\"", "loca", "tio", "n\": ", "\"San Fr", "anci", "sco, CA\"",
            ", \"", "units\": \"f\"}");
    static final String ARGUMENTS = String.join("", FRAGMENTS);
    static final ToolCall CALL = new ToolCall(CALL_ID, "get_weather", ARGUMENTS);
    /** The tool result of the recorded request, as the text the caller sends (with a literal {@code \u00b0}). */
    static final String RESULT = "{\"location\": \"San Francisco, CA\", \"temperature\": \"68\\u00b0F\", "
            + "\"condition\": \"Sunny\"}";
    /** The text the recorded answer to that result streams. */
    static final String FINAL_TEXT = "The weather in San Francisco, CA is currently:\n- **Temperature:** 68°F\n- "
            + "**Condition:** Sunny\n\nIt's a nice sunny day!";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ToolFixtures() {
    }

    /** The recorded {@code get_weather} declaration, as a caller declares it. */
    static ToolDefinition getWeather() {
        ObjectNode tool = (ObjectNode) FIXTURES.json("messages-stream-request.json").path("tools").get(0);
        Map<String, Object> schema = JSON.convertValue(tool.get("input_schema"), new TypeReference<>() { });
        return ToolDefinition.function("get_weather", tool.get("description").asText(), schema);
    }

    /** The tool-call events the recorded tool_use stream yields: the start, then each fragment. */
    static List<StreamEvent> recordedCallEvents(int index) {
        List<StreamEvent> events = new ArrayList<>();
        events.add(StreamEvent.ToolCallDelta.start(index, CALL_ID, "get_weather", ""));
        FRAGMENTS.forEach(fragment -> events.add(StreamEvent.ToolCallDelta.arguments(index, fragment)));
        return events;
    }

    /**
     * The recorded follow-up request as this adapter sends it: the fixture without the
     * {@code caller} member the SDK echoed back into its {@code tool_use} block (a detail of
     * Anthropic's answer the domain does not keep; Anthropic accepts the block without it).
     */
    static ObjectNode recordedFollowUp() {
        ObjectNode request = (ObjectNode) FIXTURES.json("messages-stream-request.json");
        ((ObjectNode) request.path("messages").get(1).path("content").get(0)).remove("caller");
        return request;
    }

    /** The first request of the recorded exchange: the follow-up without the call and its result. */
    static ObjectNode recordedFirstRequest() {
        ObjectNode request = recordedFollowUp();
        ArrayNode messages = (ArrayNode) request.get("messages");
        messages.remove(2);
        messages.remove(1);
        return request;
    }
}
