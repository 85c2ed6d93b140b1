package io.llmclient.inbound.support.refusal;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.jsonrpc.openai.OpenAiError;
import io.llmclient.jsonrpc.openai.OpenAiErrors;
import io.llmclient.jsonrpc.protocol.FailureMapping;
import io.llmclient.jsonrpc.protocol.JsonRpcError;
import io.llmclient.jsonrpc.protocol.Responses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Refusals made before a surface's handler runs (too large, too slow, overloaded, draining), each
 * in the shape of the surface the path belongs to (contract section 14): a JSON-RPC error with id
 * null at {@code /jsonrpc}, OpenAI's error shape elsewhere. Made in one place so that every
 * surface answers them alike.
 */
public final class SurfaceRefusals {
    private static final String JSON_RPC_PATH = "/jsonrpc";

    private final Responses responses = new Responses(JsonNodeFactory.instance);

    /**
     * One refusal: its HTTP status, its JSON-RPC error, its OpenAI error, and whether the
     * connection is closed after it (the body was left unread, or the service is draining).
     */
    public record Refusal(Status status, JsonRpcError jsonRpc, OpenAiError openAi, boolean closeConnection,
                          Optional<String> retryAfterSeconds) {
        public Refusal {
            Objects.requireNonNull(status, "status");
            Objects.requireNonNull(jsonRpc, "jsonRpc");
            Objects.requireNonNull(openAi, "openAi");
            Objects.requireNonNull(retryAfterSeconds, "retryAfterSeconds");
        }
    }

    /** HTTP 401: no inbound API key, or an unknown one (contract section 9). */
    public static Refusal unauthorized(String message) {
        return new Refusal(Status.UNAUTHORIZED_401,
                new JsonRpcError(JsonRpcError.INVALID_REQUEST, "Unauthorized", message, Map.of()),
                OpenAiErrors.invalidApiKey(message), false, Optional.empty());
    }

    /** HTTP 413: the body is over {@code LLM_MAX_REQUEST_BYTES}. */
    public static Refusal tooLarge(long limit, boolean closeConnection) {
        return new Refusal(Status.REQUEST_ENTITY_TOO_LARGE_413, JsonRpcError.payloadTooLarge(limit),
                OpenAiErrors.tooLarge(limit), closeConnection, Optional.empty());
    }

    /** HTTP 400 with the connection closed: the body's chunked framing is malformed, so it cannot be read. */
    public static Refusal malformedBody() {
        return new Refusal(Status.BAD_REQUEST_400, JsonRpcError.malformedBody(), OpenAiErrors.malformedBody(), true,
                Optional.empty());
    }

    /** HTTP 408: the request did not arrive within {@code LLM_REQUEST_READ_TIMEOUT}. */
    public static Refusal timedOut(Duration timeout) {
        String message = "The request did not arrive within " + seconds(timeout) + " s of its first line";
        return new Refusal(Status.REQUEST_TIMEOUT_408,
                new JsonRpcError(JsonRpcError.INVALID_REQUEST, "RequestTimeout", message,
                        Map.of("read_timeout_seconds", timeout.toMillis() / 1000.0)),
                new OpenAiError(Status.REQUEST_TIMEOUT_408, message, "invalid_request_error", Optional.empty(),
                        "request_timeout", Optional.empty()),
                true, Optional.empty());
    }

    /** HTTP 503: the bodies being read already hold {@code LLM_BODY_BUFFER_BYTES}. */
    public static Refusal bodyBudgetFull(long budget) {
        String message = "The service is reading as many request bodies as it may hold (" + budget
                + " bytes); retry shortly";
        return overloaded(message, Map.of("body_buffer_bytes", budget), true);
    }

    /** HTTP 503: {@code LLM_MAX_CONCURRENT_REQUESTS} are in flight. */
    public static Refusal inFlightLimit(int maxInFlight) {
        String message = "The service is at its limit of " + maxInFlight + " requests in flight; retry shortly";
        return overloaded(message, Map.of("max_concurrent_requests", maxInFlight), false);
    }

    /** HTTP 503 with the connection closed: the service is draining (SIGTERM); another replica will answer. */
    public static Refusal draining() {
        OpenAiError openAi = OpenAiErrors.draining();
        return new Refusal(Status.SERVICE_UNAVAILABLE_503, new JsonRpcError(FailureMapping.OVERLOADED,
                "OverloadedError", openAi.message(), Map.of("draining", true)), openAi, true, Optional.of("1"));
    }

    private static Refusal overloaded(String message, Map<String, Object> data, boolean closeConnection) {
        return new Refusal(Status.SERVICE_UNAVAILABLE_503,
                new JsonRpcError(FailureMapping.OVERLOADED, "OverloadedError", message, data),
                OpenAiErrors.overloaded(message), closeConnection, Optional.of("1"));
    }

    /** The body of {@code refusal} in the shape of {@code path}'s surface. */
    public byte[] body(String path, String traceId, Refusal refusal) {
        var json = JSON_RPC_PATH.equals(path)
                ? responses.error(NullNode.getInstance(), refusal.jsonRpc(), traceId)
                : refusal.openAi().body(JsonNodeFactory.instance);
        return json.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** Sends {@code refusal} on {@code res}, with the trace id and the surface's body. */
    public void send(String path, ServerResponse res, String traceId, Refusal refusal) {
        res.status(refusal.status());
        res.header(HeaderNames.create(A2aHeaders.TRACE_ID), traceId);
        refusal.retryAfterSeconds().ifPresent(seconds -> res.header(HeaderNames.RETRY_AFTER, seconds));
        if (refusal.closeConnection()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(body(path, traceId, refusal));
    }

    private static String seconds(Duration timeout) {
        long millis = timeout.toMillis();
        return millis % 1000 == 0 ? Long.toString(millis / 1000) : Double.toString(millis / 1000.0);
    }
}
