package io.llmclient.domain.governance;

import io.llmclient.domain.chat.A2aContext;
import java.time.Instant;
import java.util.Objects;

/**
 * A refused request, as the audit trail and the violation metric record it: who tried which
 * model, when, in which trace and session, and why it was refused.
 */
public record GovernanceViolation(Instant timestamp, A2aContext context, String attemptedModel, String reason) {
    public GovernanceViolation {
        Objects.requireNonNull(timestamp, "timestamp");
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(attemptedModel, "attemptedModel");
        Objects.requireNonNull(reason, "reason");
    }
}
