package io.llmclient.inbound.support.refusal;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Objects;

/**
 * Sends the refusals made before a surface's handler runs (too large, too slow, overloaded,
 * draining, unauthorized), each in the shape of the surface the path belongs to (contract section
 * 14). Made in one place so that every surface answers them alike; the shapes come from the
 * surface modules, so this class knows none of them.
 */
public final class SurfaceRefusals {
    private final Map<String, RefusalShape> byPath;
    private final RefusalShape otherwise;

    /**
     * @param byPath    the shape of each path a surface owns exactly (such as {@code /jsonrpc})
     * @param otherwise the shape of every other path, unknown routes included
     */
    public SurfaceRefusals(Map<String, RefusalShape> byPath, RefusalShape otherwise) {
        this.byPath = Map.copyOf(byPath);
        this.otherwise = Objects.requireNonNull(otherwise, "otherwise");
    }

    /** The body of {@code refusal} in the shape of {@code path}'s surface. */
    public byte[] body(String path, String traceId, Refusal refusal) {
        return byPath.getOrDefault(path, otherwise).body(refusal, traceId).toString()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Sends {@code refusal} on {@code res}, with the trace id and the surface's status, headers and body. */
    public void send(String path, ServerResponse res, String traceId, Refusal refusal) {
        RefusalShape shape = byPath.getOrDefault(path, otherwise);
        res.status(shape.status(refusal));
        res.header(A2aHeaders.TRACE_ID_HEADER, traceId);
        shape.headers(traceId).forEach((name, value) -> res.header(HeaderNames.create(name), value));
        refusal.retryAfterSeconds().ifPresent(seconds -> res.header(HeaderNames.RETRY_AFTER, seconds));
        if (refusal.closeConnection()) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(body(path, traceId, refusal));
    }
}
