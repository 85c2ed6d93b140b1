package io.llmclient.telemetry.otel;

import io.helidon.common.context.Contexts;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.context.RequestTraceId;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The SERVER span of every request on every surface, installed before every other filter: the
 * child of the caller's W3C {@code traceparent} (with its {@code tracestate}) when one came in well
 * formed, else the root of a new trace (a malformed one is ignored, as W3C Trace Context says). The
 * span is current while the request is handled, a stream included, so the attempts' CLIENT spans
 * are its children; its trace id is the request's generated trace id ({@link RequestTraceId}).
 * Probes and scrapes ({@code /health}, {@code /ready}, {@code /metrics}) are not traced: they would
 * fill a collector with spans nobody reads.
 */
public final class ServerSpanFilter implements Filter {
    private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
    private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
    private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("http.route");
    private static final AttributeKey<Long> STATUS = AttributeKey.longKey("http.response.status_code");
    // The routes a span is named after; any other path (a 404) is named by its method only, so that
    // scanners cannot make span names of unbounded variety.
    private static final Set<String> ROUTES = Set.of("/jsonrpc", "/v1/chat/completions", "/v1/messages",
            "/v1/messages/count_tokens", "/v1/models");
    private static final Set<String> UNTRACED = Set.of("/health", "/ready", "/metrics");
    private static final TextMapGetter<RoutingRequest> HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(RoutingRequest request) {
            return List.of("traceparent", "tracestate");
        }

        @Override
        public String get(RoutingRequest request, String name) {
            return request == null ? null : request.headers().first(HeaderNames.create(name)).orElse(null);
        }
    };

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public ServerSpanFilter(Tracer tracer, TextMapPropagator propagator) {
        this.tracer = Objects.requireNonNull(tracer, "tracer");
        this.propagator = Objects.requireNonNull(propagator, "propagator");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (UNTRACED.contains(path)) {
            chain.proceed();
            return;
        }
        String method = req.prologue().method().text();
        Context parent = propagator.extract(Context.root(), req, HEADERS);
        var builder = tracer.spanBuilder(ROUTES.contains(path) ? method + " " + path : method)
                .setSpanKind(SpanKind.SERVER)
                .setParent(parent)
                .setAttribute(METHOD, method)
                .setAttribute(PATH, path);
        if (ROUTES.contains(path)) {
            builder.setAttribute(ROUTE, path);
        }
        Span span = builder.startSpan();
        RequestTraceId.register(req.context(), span.getSpanContext().getTraceId());
        try (Scope _ = parent.with(span).makeCurrent()) {
            // Helidon makes the request's context current only with its context feature, which this
            // service does not install: done here, so the filters and handlers after see the trace id.
            Contexts.runInContext(req.context(), chain::proceed);
        } finally {
            int status = res.status().code();
            span.setAttribute(STATUS, (long) status);
            if (status >= 500) {
                span.setAttribute(GenAi.ERROR_TYPE, Integer.toString(status));
                span.setStatus(StatusCode.ERROR);
            }
            span.end();
        }
    }
}
