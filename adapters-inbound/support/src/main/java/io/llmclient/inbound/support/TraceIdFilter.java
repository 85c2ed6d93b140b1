package io.llmclient.inbound.support;

import io.helidon.common.context.Contexts;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.context.RequestTraceId;
import java.util.Optional;

/**
 * Gives every response an {@code X-Trace-Id} (contract section 3): the request's header when it
 * is well formed, else a new UUID. Set before routing, so a route that knows a better trace id
 * (such as {@code /jsonrpc}, where params win) simply overwrites it. A generated one is registered
 * as the request's ({@link RequestTraceId}), so that every later reader of the request (a refusing
 * filter, the surface, the request log) takes the same one rather than drawing its own.
 */
public final class TraceIdFilter implements Filter {
    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        Optional<String> sent = A2aHeaders.sentTraceId(req.headers());
        if (sent.isPresent()) {
            res.header(A2aHeaders.TRACE_ID_HEADER, sent.get());
            chain.proceed();
            return;
        }
        String generated = A2aHeaders.newTraceId();
        RequestTraceId.register(req.context(), generated);
        res.header(A2aHeaders.TRACE_ID_HEADER, generated);
        // Readers find it in the current context, which is the request's only while it runs in it.
        Contexts.runInContext(req.context(), chain::proceed);
    }
}
