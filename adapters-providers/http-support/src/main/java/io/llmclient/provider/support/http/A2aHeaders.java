package io.llmclient.provider.support.http;

import io.llmclient.domain.chat.A2aContext;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The agent-to-agent headers every provider call carries upstream: {@code X-Trace-Id} always,
 * {@code X-Source-Agent} and {@code X-Session-Id} when the caller named them. One place, so
 * that the three adapters cannot drift apart in what they forward.
 */
public final class A2aHeaders {
    public static final String TRACE_ID = "X-Trace-Id";
    public static final String SOURCE_AGENT = "X-Source-Agent";
    public static final String SESSION_ID = "X-Session-Id";

    private A2aHeaders() {
    }

    /** The headers for {@code a2a}, by name, in the order above; absent values are left out. */
    public static Map<String, String> of(A2aContext a2a) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put(TRACE_ID, a2a.traceId());
        a2a.sourceAgent().ifPresent(agent -> headers.put(SOURCE_AGENT, agent));
        a2a.sessionId().ifPresent(session -> headers.put(SESSION_ID, session));
        return Collections.unmodifiableMap(headers);
    }
}
