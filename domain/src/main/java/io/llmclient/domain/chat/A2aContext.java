package io.llmclient.domain.chat;

import java.util.Objects;
import java.util.Optional;

/**
 * Agent-to-agent context that travels with a request: who asked, in which session, under
 * which trace. The trace id is always present (generated when the caller gave none).
 */
public record A2aContext(String traceId, Optional<String> sourceAgent, Optional<String> sessionId) {
    public A2aContext {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(sourceAgent, "sourceAgent");
        Objects.requireNonNull(sessionId, "sessionId");
    }

    /** A context with only a trace id. */
    public static A2aContext ofTrace(String traceId) {
        return new A2aContext(traceId, Optional.empty(), Optional.empty());
    }

    /** The source agent as metrics and audit record it: {@code unknown} when absent. */
    public String sourceAgentOrUnknown() {
        return sourceAgent.orElse("unknown");
    }
}
