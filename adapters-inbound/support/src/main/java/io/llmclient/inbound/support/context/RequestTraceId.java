package io.llmclient.inbound.support.context;

import io.helidon.common.context.Context;
import io.helidon.common.context.Contexts;
import java.util.Optional;

/**
 * The trace id a request takes when its caller sent none: with tracing on, the W3C trace id of
 * its SERVER span, registered in the request's Helidon context by the tracing filter before any
 * other filter runs, so that the {@code X-Trace-Id} echo, the request log, the audit entry and the
 * trace all join on one id (contract section 13). With tracing off, the UUID the trace-id filter
 * drew for it is registered instead, for the same reason.
 */
public record RequestTraceId(String value) {

    /** Registers {@code traceId} as the generated trace id of the request whose context is {@code request}. */
    public static void register(Context request, String traceId) {
        request.register(new RequestTraceId(traceId));
    }

    /** The generated trace id of the request being handled on this thread, if tracing gave one. */
    public static Optional<String> current() {
        return Contexts.context().flatMap(context -> context.get(RequestTraceId.class)).map(RequestTraceId::value);
    }
}
