package io.llmclient.inbound.support.context;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.validation.ChatRequestParser;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Headers;
import java.util.Optional;

/**
 * Reads the A2A context from the request headers {@code X-Trace-Id}, {@code X-Source-Agent} and
 * {@code X-Session-Id}. A malformed value is ignored rather than refused, because a header is
 * often set by infrastructure the caller does not control; a missing trace id is generated.
 */
public final class A2aHeaders {
    public static final String TRACE_ID = "X-Trace-Id";
    public static final String SOURCE_AGENT = "X-Source-Agent";
    public static final String SESSION_ID = "X-Session-Id";
    /** {@link #TRACE_ID} as a header name, made once: making one per use costs a map lookup (profiled). */
    public static final HeaderName TRACE_ID_HEADER = HeaderNames.create(TRACE_ID);
    private static final HeaderName SOURCE_AGENT_HEADER = HeaderNames.create(SOURCE_AGENT);
    private static final HeaderName SESSION_ID_HEADER = HeaderNames.create(SESSION_ID);

    private A2aHeaders() {
    }

    /** The context from a request's headers. */
    public static A2aContext read(Headers headers) {
        return new A2aContext(traceId(headers), wellFormed(headers, SOURCE_AGENT_HEADER),
                wellFormed(headers, SESSION_ID_HEADER));
    }

    /** The well-formed {@code X-Trace-Id}, or the request's generated one ({@link #newTraceId}). */
    public static String traceId(Headers headers) {
        return sentTraceId(headers).orElseGet(A2aHeaders::newTraceId);
    }

    /** The well-formed {@code X-Trace-Id} the caller sent, if any. */
    public static Optional<String> sentTraceId(Headers headers) {
        return wellFormed(headers, TRACE_ID_HEADER);
    }

    /**
     * The trace id generated for the request being handled ({@link RequestTraceId}: its W3C trace
     * id when it is traced, else the one the trace-id filter drew), or a new UUID.
     */
    public static String newTraceId() {
        return RequestTraceId.current().orElseGet(RandomIds::uuid);
    }

    private static Optional<String> wellFormed(Headers headers, HeaderName name) {
        return headers.first(name).filter(ChatRequestParser::isWellFormedId);
    }
}
