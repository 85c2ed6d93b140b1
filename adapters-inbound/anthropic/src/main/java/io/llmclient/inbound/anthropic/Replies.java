package io.llmclient.inbound.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.inbound.support.body.JsonCodec;
import java.time.Duration;

/** Writes JSON answers of the Anthropic surface, errors with their wait and retry hints. */
final class Replies {
    private static final HeaderName SHOULD_RETRY = HeaderNames.create("x-should-retry");

    private final JsonCodec codec;

    Replies(JsonCodec codec) {
        this.codec = codec;
    }

    void json(ServerResponse res, Status status, JsonNode body) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(codec.write(body));
    }

    /** An error; a rate limit carries {@code retry-after} in whole seconds, rounded up. */
    void error(ServerResponse res, AnthropicError error, String requestId) {
        error.retryAfter().ifPresent(wait -> res.header(HeaderNames.RETRY_AFTER, String.valueOf(ceilSeconds(wait))));
        if (!error.retryable()) {
            res.header(SHOULD_RETRY, "false");
        }
        json(res, error.status(), error.body(codec.nodes(), requestId));
    }

    private static long ceilSeconds(Duration wait) {
        long seconds = wait.getSeconds();
        return Math.max(1, wait.getNano() > 0 ? seconds + 1 : seconds);
    }
}
