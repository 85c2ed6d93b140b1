package io.llmclient.inbound.support.tools;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.tools.ToolCall;
import java.util.List;

/**
 * Tool calls in OpenAI's shapes, which both surfaces use (docs/tool-calling.md): so a caller can
 * put a result's {@code tool_calls} back into its next request's assistant message unchanged.
 *
 * <p>A call that carries a provider's thought signature gets one more member, last:
 * {@code "extra_content":{"google":{"thought_signature":"..."}}}, the member Google's own
 * OpenAI-compatible endpoint uses, so clients written for that endpoint carry it back already.
 * A call without one is written exactly as before.
 */
public final class ToolCallJson {
    private ToolCallJson() {
    }

    /** {@code [{"id","type":"function","function":{"name","arguments"},"extra_content"?}, ...]}. */
    public static ArrayNode calls(List<ToolCall> calls, JsonNodeFactory nodes) {
        ArrayNode array = nodes.arrayNode();
        for (ToolCall call : calls) {
            ObjectNode entry = array.addObject();
            entry.put("id", call.id());
            entry.put("type", "function");
            ObjectNode function = entry.putObject("function");
            function.put("name", call.name());
            function.put("arguments", call.arguments());
            call.thoughtSignature().ifPresent(signature -> extraContent(entry, signature));
        }
        return array;
    }

    /**
     * One fragment as an entry of OpenAI's {@code delta.tool_calls}: {@code index}, then on the
     * first fragment of a call {@code id}, {@code type} and {@code function.name}, and always
     * {@code function.arguments}; {@code extra_content} after them when the fragment carries its
     * call's thought signature (only a first fragment does).
     */
    public static ObjectNode fragment(StreamEvent.ToolCallDelta delta, JsonNodeFactory nodes) {
        ObjectNode entry = nodes.objectNode();
        entry.put("index", delta.index());
        delta.id().ifPresent(id -> entry.put("id", id).put("type", "function"));
        ObjectNode function = entry.putObject("function");
        delta.name().ifPresent(name -> function.put("name", name));
        function.put("arguments", delta.arguments());
        delta.thoughtSignature().ifPresent(signature -> extraContent(entry, signature));
        return entry;
    }

    private static void extraContent(ObjectNode entry, String signature) {
        entry.putObject("extra_content").putObject("google").put("thought_signature", signature);
    }
}
