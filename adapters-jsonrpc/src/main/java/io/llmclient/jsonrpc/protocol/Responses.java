package io.llmclient.jsonrpc.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * Builds JSON-RPC 2.0 response objects. Every error's {@code data} starts with {@code type} and
 * {@code trace_id}, as the contract requires, followed by the error's own members.
 */
public final class Responses {
    // Only converts plain Java values (maps, lists, strings, numbers) to nodes; never parses input.
    private static final ObjectMapper VALUES = new ObjectMapper();

    private final JsonNodeFactory nodes;

    public Responses(JsonNodeFactory nodes) {
        this.nodes = Objects.requireNonNull(nodes, "nodes");
    }

    /** {@code {"jsonrpc":"2.0","id":...,"result":...}} */
    public ObjectNode success(JsonNode id, JsonNode result) {
        ObjectNode response = envelope(id);
        response.set("result", result);
        return response;
    }

    /** {@code {"jsonrpc":"2.0","id":...,"error":{"code","message","data":{"type","trace_id",...}}}} */
    public ObjectNode error(JsonNode id, JsonRpcError error, String traceId) {
        ObjectNode data = nodes.objectNode();
        data.put("type", error.type());
        data.put("trace_id", traceId);
        error.data().forEach((name, value) -> data.set(name, value instanceof JsonNode node ? node
                : VALUES.valueToTree(value)));
        ObjectNode body = nodes.objectNode();
        body.put("code", error.code());
        body.put("message", error.message());
        body.set("data", data);
        ObjectNode response = envelope(id);
        response.set("error", body);
        return response;
    }

    /** An empty object node, for results. */
    public ObjectNode object() {
        return nodes.objectNode();
    }

    /** An empty array node. */
    public ArrayNode array() {
        return nodes.arrayNode();
    }

    private ObjectNode envelope(JsonNode id) {
        ObjectNode response = nodes.objectNode();
        response.put("jsonrpc", "2.0");
        response.set("id", id);
        return response;
    }
}
