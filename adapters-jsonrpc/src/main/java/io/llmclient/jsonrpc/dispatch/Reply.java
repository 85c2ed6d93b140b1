package io.llmclient.jsonrpc.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.jsonrpc.method.StreamMethod;
import java.util.Objects;

/**
 * What goes back for one HTTP body: a JSON-RPC response (one object, or an array for a batch),
 * nothing when every call was a notification (HTTP 204), or a stream of events for a single
 * streaming call that passed its checks. {@code traceId} is the {@code X-Trace-Id} of the HTTP
 * response.
 */
public sealed interface Reply {
    String traceId();

    /** A response object or a batch's array of them. */
    record Body(JsonNode json, String traceId) implements Reply {
        public Body {
            Objects.requireNonNull(json, "json");
            Objects.requireNonNull(traceId, "traceId");
        }
    }

    /** Nothing to answer: only notifications. */
    record NoContent(String traceId) implements Reply {
        public NoContent {
            Objects.requireNonNull(traceId, "traceId");
        }
    }

    /** A prepared streaming call to run; {@code id} is echoed in its last event. */
    record Stream(JsonNode id, StreamMethod.Prepared call, String traceId) implements Reply {
        public Stream {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(call, "call");
            Objects.requireNonNull(traceId, "traceId");
        }
    }
}
