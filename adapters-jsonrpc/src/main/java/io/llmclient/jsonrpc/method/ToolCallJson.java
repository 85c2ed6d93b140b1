package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.tools.ToolCall;
import java.util.List;

/**
 * Tool calls in OpenAI's shapes, which both surfaces use (docs/tool-calling.md): so a caller can
 * put a result's {@code tool_calls} back into its next request's assistant message unchanged.
 */
public final class ToolCallJson {
    private ToolCallJson() {
    }

    /** {@code [{"id","type":"function","function":{"name","arguments"}}, ...]}. */
    public static ArrayNode calls(List<ToolCall> calls, JsonNodeFactory nodes) {
        ArrayNode array = nodes.arrayNode();
        for (ToolCall call : calls) {
            ObjectNode entry = array.addObject();
            entry.put("id", call.id());
            entry.put("type", "function");
            ObjectNode function = entry.putObject("function");
            function.put("name", call.name());
            function.put("arguments", call.arguments());
        }
        return array;
    }

    /**
     * One fragment as an entry of OpenAI's {@code delta.tool_calls}: {@code index}, then on the
     * first fragment of a call {@code id}, {@code type} and {@code function.name}, and always
     * {@code function.arguments}.
     */
    public static ObjectNode fragment(StreamEvent.ToolCallDelta delta, JsonNodeFactory nodes) {
        ObjectNode entry = nodes.objectNode();
        entry.put("index", delta.index());
        delta.id().ifPresent(id -> entry.put("id", id).put("type", "function"));
        ObjectNode function = entry.putObject("function");
        delta.name().ifPresent(name -> function.put("name", name));
        function.put("arguments", delta.arguments());
        return entry;
    }
}
