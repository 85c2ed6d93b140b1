package io.llmclient.inbound.support.context;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.validation.ChatRequestParser;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

/**
 * Reads the A2A context from the request headers {@code X-Trace-Id}, {@code X-Source-Agent} and
 * {@code X-Session-Id}. A malformed value is ignored rather than refused, because a header is
 * often set by infrastructure the caller does not control; a missing trace id is generated.
 */
public final class A2aHeaders {
    public static final String TRACE_ID = "X-Trace-Id";
    public static final String SOURCE_AGENT = "X-Source-Agent";
    public static final String SESSION_ID = "X-Session-Id";

    private A2aHeaders() {
    }

    /** The context from headers, looked up by name through {@code header}. */
    public static A2aContext read(Function<String, Optional<String>> header) {
        return new A2aContext(traceId(header), wellFormed(header, SOURCE_AGENT), wellFormed(header, SESSION_ID));
    }

    /** The well-formed {@code X-Trace-Id}, or a new UUID. */
    public static String traceId(Function<String, Optional<String>> header) {
        return wellFormed(header, TRACE_ID).orElseGet(A2aHeaders::newTraceId);
    }

    /** A fresh trace id: the request's W3C trace id when it is traced ({@link RequestTraceId}), else a UUID. */
    public static String newTraceId() {
        return RequestTraceId.current().orElseGet(() -> UUID.randomUUID().toString());
    }

    private static Optional<String> wellFormed(Function<String, Optional<String>> header, String name) {
        return header.apply(name).filter(ChatRequestParser::isWellFormedId);
    }
}
