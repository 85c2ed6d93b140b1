package io.llmclient.inbound.support.drain;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import java.util.Objects;
import java.util.Set;

/**
 * While the service drains, a new request gets 503 in its surface's shape with
 * {@code Connection: close}, so that its client retries on another replica (contract section
 * 14). {@code /health}, {@code /ready} and {@code /metrics} still answer, with the connection
 * closed after them too: a kept-alive connection would only come back here.
 */
public final class DrainFilter implements Filter {
    private static final Set<String> OPERATOR_PATHS = Set.of("/health", "/ready", "/metrics");

    private final Readiness readiness;
    private final SurfaceRefusals refusals;

    public DrainFilter(Readiness readiness, SurfaceRefusals refusals) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        if (!readiness.draining()) {
            chain.proceed();
            return;
        }
        String path = req.path().path();
        if (OPERATOR_PATHS.contains(path)) {
            res.header(HeaderValues.CONNECTION_CLOSE);
            chain.proceed();
            return;
        }
        String traceId = A2aHeaders.traceId(req.headers());
        refusals.send(path, res, traceId, new Refusal.Draining());
    }
}
