package io.llmclient.inbound.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.http.Status;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.RefusalShape;
import java.util.List;
import java.util.Map;

/**
 * The Anthropic surface's shape of the refusals made before its handler runs (contract section
 * 14): 401 {@code authentication_error}, 413 {@code request_too_large}, 408 and a drain's 503
 * {@code api_error}, and 529 {@code overloaded_error} when the service is at its limit of requests
 * in flight or of request bodies being read; every one with {@code request-id}.
 */
public final class AnthropicRefusals implements RefusalShape {
    /** The paths of the Anthropic surface; every other {@code /v1} path is the OpenAI surface's. */
    public static final List<String> PATHS = List.of(AnthropicMessagesEndpoint.MESSAGES,
            AnthropicMessagesEndpoint.COUNT_TOKENS);

    static AnthropicError error(Refusal refusal) {
        return switch (refusal) {
            case Refusal.Unauthorized unauthorized -> new AnthropicError(Status.UNAUTHORIZED_401,
                    "authentication_error", unauthorized.message());
            case Refusal.TooLarge tooLarge -> new AnthropicError(Status.REQUEST_ENTITY_TOO_LARGE_413,
                    "request_too_large", "Request exceeds the maximum allowed number of bytes ("
                    + tooLarge.limit() + ")");
            case Refusal.MalformedBody ignored -> new AnthropicError(Status.BAD_REQUEST_400,
                    AnthropicErrors.INVALID_REQUEST, "The request body's chunked encoding is malformed");
            case Refusal.TimedOut timedOut -> new AnthropicError(Status.REQUEST_TIMEOUT_408, AnthropicErrors.API_ERROR,
                    timedOut.message());
            case Refusal.BodyBudgetFull full -> new AnthropicError(AnthropicErrors.OVERLOADED_529,
                    AnthropicErrors.OVERLOADED, full.message());
            case Refusal.InFlightLimit limit -> new AnthropicError(AnthropicErrors.OVERLOADED_529,
                    AnthropicErrors.OVERLOADED, limit.message());
            case Refusal.Draining draining -> new AnthropicError(Status.SERVICE_UNAVAILABLE_503,
                    AnthropicErrors.API_ERROR, draining.message());
        };
    }

    @Override
    public JsonNode body(Refusal refusal, String traceId) {
        return error(refusal).body(JsonNodeFactory.instance, traceId);
    }

    @Override
    public Status status(Refusal refusal) {
        return error(refusal).status();
    }

    @Override
    public Map<String, String> headers(String traceId) {
        return Map.of(AnthropicMessagesEndpoint.REQUEST_ID, traceId);
    }
}
