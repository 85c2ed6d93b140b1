package io.llmclient.domain.chat;

import java.util.Objects;
import java.util.Optional;

/**
 * Agent-to-agent context that travels with a request: who asked, in which session, under
 * which trace. The trace id is always present (generated when the caller gave none).
 * {@code principal} is who the gateway authenticated (a key id, {@code inbound-<n>}, or
 * {@code anonymous} when inbound auth is off); the request log and audit entries name it.
 */
public record A2aContext(String traceId, Optional<String> sourceAgent, Optional<String> sessionId, String principal) {
    /** The principal of every caller while inbound auth is off. */
    public static final String ANONYMOUS = "anonymous";

    public A2aContext {
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(sourceAgent, "sourceAgent");
        Objects.requireNonNull(sessionId, "sessionId");
        Objects.requireNonNull(principal, "principal");
    }

    /** A context of the anonymous principal. */
    public A2aContext(String traceId, Optional<String> sourceAgent, Optional<String> sessionId) {
        this(traceId, sourceAgent, sessionId, ANONYMOUS);
    }

    /** A context with only a trace id. */
    public static A2aContext ofTrace(String traceId) {
        return new A2aContext(traceId, Optional.empty(), Optional.empty());
    }

    /** The source agent as metrics and audit record it: {@code unknown} when absent. */
    public String sourceAgentOrUnknown() {
        return sourceAgent.orElse("unknown");
    }

    /** The same context for another principal. */
    public A2aContext withPrincipal(String who) {
        return new A2aContext(traceId, sourceAgent, sessionId, who);
    }

    /** The same context claiming another source agent. */
    public A2aContext withSourceAgent(Optional<String> agent) {
        return new A2aContext(traceId, agent, sessionId, principal);
    }
}
