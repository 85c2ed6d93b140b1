package io.llmclient.inbound.anthropic;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One error in Anthropic's shape, {@code {"type":"error","error":{"type","message"},"request_id"}},
 * with the HTTP status it is sent with and, for rate limits, how long the client should wait. An
 * error that is not {@code retryable} goes out with {@code x-should-retry: false}, which Anthropic's
 * SDKs obey.
 */
public record AnthropicError(Status status, String type, String message, Optional<Duration> retryAfter,
                             boolean retryable) {
    public AnthropicError {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** An error the client may retry, without a wait hint. */
    public AnthropicError(Status status, String type, String message) {
        this(status, type, message, Optional.empty(), true);
    }

    /** The error object, as Anthropic's API answers it; {@code request_id} is the trace id. */
    public ObjectNode body(JsonNodeFactory nodes, String requestId) {
        ObjectNode body = nodes.objectNode();
        body.put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        body.put("request_id", requestId);
        return body;
    }

    /** The error object as the data of a stream's {@code event: error}, which carries no request id. */
    public ObjectNode event(JsonNodeFactory nodes) {
        ObjectNode body = nodes.objectNode();
        body.put("type", "error");
        body.putObject("error").put("type", type).put("message", message);
        return body;
    }
}
