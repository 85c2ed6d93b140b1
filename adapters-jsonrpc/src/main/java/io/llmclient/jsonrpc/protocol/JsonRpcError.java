package io.llmclient.jsonrpc.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * One JSON-RPC error object before it is written: code, message, and the {@code data} members
 * beyond {@code type} and {@code trace_id} (which every error carries and are added when the
 * response is written). The factories here cover the protocol's own errors; domain failures are
 * mapped by {@link FailureMapping} only.
 */
public record JsonRpcError(int code, String type, String message, Map<String, Object> data) {
    public static final int PARSE_ERROR = -32700;
    public static final int INVALID_REQUEST = -32600;
    public static final int METHOD_NOT_FOUND = -32601;
    public static final int INVALID_PARAMS = -32602;
    public static final int INTERNAL_ERROR = -32603;

    public JsonRpcError {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        // Insertion order is kept so the written data reads in the order the mapper chose.
        data = Collections.unmodifiableMap(new LinkedHashMap<>(data));
    }

    /** The body is not JSON, or JSON the hardened parser refuses. */
    public static JsonRpcError parseError(String reason) {
        return new JsonRpcError(PARSE_ERROR, "ParseError", "Parse error: " + reason, Map.of());
    }

    /** Not a valid JSON-RPC 2.0 request object. */
    public static JsonRpcError invalidRequest(String reason) {
        return new JsonRpcError(INVALID_REQUEST, "InvalidRequest", "Invalid Request: " + reason, Map.of());
    }

    /** The body is over the inbound limit. */
    public static JsonRpcError payloadTooLarge(long limit) {
        return new JsonRpcError(INVALID_REQUEST, "PayloadTooLarge",
                "Request body is larger than the limit of " + limit + " bytes", Map.of("max_bytes", limit));
    }

    /** The body's chunked transfer coding is malformed, so the body cannot be read. */
    public static JsonRpcError malformedBody() {
        return invalidRequest("the request body's chunked encoding is malformed");
    }

    /** No such method (or not available yet). */
    public static JsonRpcError methodNotFound(String message) {
        return new JsonRpcError(METHOD_NOT_FOUND, "MethodNotFound", message, Map.of());
    }

    /** A bug. The message is fixed: nothing from the exception may reach the caller. */
    public static JsonRpcError internalError() {
        return new JsonRpcError(INTERNAL_ERROR, "InternalError",
                "Internal error; the trace_id identifies it in the service log", Map.of());
    }
}
