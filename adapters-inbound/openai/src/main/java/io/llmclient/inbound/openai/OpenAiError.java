package io.llmclient.inbound.openai;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.Status;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One error in OpenAI's shape, {@code {"error":{"message","type","param","code"}}}, with the HTTP
 * status it is sent with and, for rate limits, how long the client should wait. An error that is not
 * {@code retryable} goes out with {@code x-should-retry: false}, which the official SDKs obey.
 */
public record OpenAiError(Status status, String message, String type, Optional<String> param, String code,
                          Optional<Duration> retryAfter, boolean retryable) {
    /** An error the client may retry (no {@code x-should-retry: false}). */
    public OpenAiError(Status status, String message, String type, Optional<String> param, String code,
                       Optional<Duration> retryAfter) {
        this(status, message, type, param, code, retryAfter, true);
    }

    public OpenAiError {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(message, "message");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(param, "param");
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(retryAfter, "retryAfter");
    }

    /** The error object; {@code param} is null when no single field is at fault. */
    public ObjectNode body(JsonNodeFactory nodes) {
        ObjectNode error = nodes.objectNode();
        error.put("message", message);
        error.put("type", type);
        if (param.isPresent()) {
            error.put("param", param.get());
        } else {
            error.putNull("param");
        }
        error.put("code", code);
        ObjectNode body = nodes.objectNode();
        body.set("error", error);
        return body;
    }
}
