package io.llmclient.inbound.support;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.context.A2aHeaders;

/**
 * Gives every response an {@code X-Trace-Id} (contract section 3): the request's header when it
 * is well formed, else a new UUID. Set before routing, so a route that knows a better trace id
 * (such as {@code /jsonrpc}, where params win) simply overwrites it.
 */
public final class TraceIdFilter implements Filter {
    /** The response header; a surface that knows a better trace id sets it again. */
    public static final HeaderName TRACE_ID = HeaderNames.create(A2aHeaders.TRACE_ID);

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        res.header(TRACE_ID, A2aHeaders.traceId(name -> req.headers().first(HeaderNames.create(name))));
        chain.proceed();
    }
}
