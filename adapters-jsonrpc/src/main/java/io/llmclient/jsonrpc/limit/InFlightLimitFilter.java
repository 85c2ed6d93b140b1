package io.llmclient.jsonrpc.limit;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.jsonrpc.context.A2aHeaders;
import io.llmclient.jsonrpc.openai.OpenAiErrors;
import io.llmclient.jsonrpc.protocol.FailureMapping;
import io.llmclient.jsonrpc.protocol.JsonRpcError;
import io.llmclient.jsonrpc.protocol.Responses;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Semaphore;

/**
 * Bounds the requests in flight on both surfaces ({@code LLM_MAX_CONCURRENT_REQUESTS}). One
 * more is refused at once, without queueing: HTTP 503 with {@code Retry-After: 1}, as a
 * JSON-RPC error -32006 {@code OverloadedError} at {@code /jsonrpc} and in OpenAI's error shape
 * (code {@code overloaded}) elsewhere. A request holds its slot until its answer is written,
 * so a long stream counts for as long as it runs. {@code /health} and {@code /metrics} are not
 * counted: an operator must still see a service that is full.
 */
public final class InFlightLimitFilter implements Filter {
    private static final Set<String> UNCOUNTED_PATHS = Set.of("/health", "/metrics");
    private static final String RETRY_AFTER_SECONDS = "1";

    private final int maxInFlight;
    private final Semaphore slots;
    private final Responses responses = new Responses(JsonNodeFactory.instance);

    /** @param maxInFlight requests served at once; must be > 0 */
    public InFlightLimitFilter(int maxInFlight) {
        if (maxInFlight <= 0) {
            throw new IllegalArgumentException("maxInFlight must be > 0");
        }
        this.maxInFlight = maxInFlight;
        this.slots = new Semaphore(maxInFlight);
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (UNCOUNTED_PATHS.contains(path)) {
            chain.proceed();
            return;
        }
        if (!slots.tryAcquire()) {
            refuse(path, req, res);
            return;
        }
        try {
            chain.proceed();
        } finally {
            slots.release();
        }
    }

    /** Slots free right now; for tests and metrics. */
    public int available() {
        return slots.availablePermits();
    }

    private void refuse(String path, RoutingRequest req, RoutingResponse res) {
        String traceId = A2aHeaders.traceId(name -> req.headers().first(HeaderNames.create(name)));
        String message = "The service is at its limit of " + maxInFlight + " requests in flight; retry shortly";
        res.status(Status.SERVICE_UNAVAILABLE_503);
        res.header(HeaderNames.create(A2aHeaders.TRACE_ID), traceId);
        res.header(HeaderNames.RETRY_AFTER, RETRY_AFTER_SECONDS);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        String body = "/jsonrpc".equals(path)
                ? responses.error(NullNode.getInstance(), new JsonRpcError(FailureMapping.OVERLOADED, "OverloadedError",
                        message, Map.of("max_concurrent_requests", maxInFlight)), traceId).toString()
                : OpenAiErrors.overloaded(message).body(JsonNodeFactory.instance).toString();
        res.send(body);
    }
}
