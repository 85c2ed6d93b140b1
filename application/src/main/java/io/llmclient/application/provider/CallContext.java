package io.llmclient.application.provider;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import java.util.Map;
import java.util.Objects;

/**
 * What a provider needs besides the request: the catalog entry selection resolved to (whose
 * {@code providerModel} is the upstream name to send), the A2A context to forward as
 * {@code X-Trace-Id}, {@code X-Source-Agent}, {@code X-Session-Id}, and the trace headers of the
 * attempt ({@code traceparent}, {@code tracestate}) that an HTTP provider sends along, so that the
 * upstream's own spans are children of the attempt's (contract section 13).
 */
public record CallContext(ModelEntry model, A2aContext a2a, Map<String, String> traceHeaders) {
    public CallContext {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(a2a, "a2a");
        traceHeaders = Map.copyOf(traceHeaders);
    }

    /** A context whose attempt carries no trace header (tracing off). */
    public CallContext(ModelEntry model, A2aContext a2a) {
        this(model, a2a, Map.of());
    }

    /** The same context for an attempt whose upstream request carries {@code headers}. */
    public CallContext withTraceHeaders(Map<String, String> headers) {
        return new CallContext(model, a2a, headers);
    }
}
