package io.llmclient.jsonrpc.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.RefusalShape;
import java.util.Map;

/**
 * The JSON-RPC surface's shape of the refusals made before its handler runs (contract section
 * 14): a JSON-RPC error response with id null, since the request was never read as a call.
 */
public final class JsonRpcRefusals implements RefusalShape {
    /** The one path of the JSON-RPC surface, whose refusals take this shape. */
    public static final String PATH = "/jsonrpc";

    private final Responses responses = new Responses(JsonNodeFactory.instance);

    /** The JSON-RPC error of {@code refusal}. */
    public static JsonRpcError error(Refusal refusal) {
        return switch (refusal) {
            case Refusal.Unauthorized unauthorized ->
                    new JsonRpcError(JsonRpcError.INVALID_REQUEST, "Unauthorized", unauthorized.message(), Map.of());
            case Refusal.TooLarge tooLarge -> JsonRpcError.payloadTooLarge(tooLarge.limit());
            case Refusal.MalformedBody ignored -> JsonRpcError.malformedBody();
            case Refusal.TimedOut timedOut -> new JsonRpcError(JsonRpcError.INVALID_REQUEST, "RequestTimeout",
                    timedOut.message(), Map.of("read_timeout_seconds", timedOut.timeout().toMillis() / 1000.0));
            case Refusal.BodyBudgetFull full -> overloaded(full.message(), Map.of("body_buffer_bytes", full.budget()));
            case Refusal.InFlightLimit limit ->
                    overloaded(limit.message(), Map.of("max_concurrent_requests", limit.maxInFlight()));
            case Refusal.Draining draining -> overloaded(draining.message(), Map.of("draining", true));
        };
    }

    @Override
    public JsonNode body(Refusal refusal, String traceId) {
        return responses.error(NullNode.getInstance(), error(refusal), traceId);
    }

    private static JsonRpcError overloaded(String message, Map<String, Object> data) {
        return new JsonRpcError(FailureMapping.OVERLOADED, "OverloadedError", message, data);
    }
}
