package io.llmclient.application.telemetry;

import io.llmclient.domain.governance.GovernanceViolation;

/**
 * The compliance trail: one entry per governance violation, kept apart from ordinary logs
 * so it can be retained and shipped on its own terms.
 */
public interface AuditPort {
    void record(GovernanceViolation violation);
}
