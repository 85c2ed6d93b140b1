package io.llmclient.application.service;

import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.governance.GovernanceViolation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Records, in one ordered list, what the service told its ports and what the fake providers were
 * asked, so tests can check the order of validate, select, call and record.
 */
final class Journal implements MetricsPort, AuditPort, RequestLog {
    final List<String> entries = new ArrayList<>();
    final List<GovernanceViolation> violations = new ArrayList<>();
    final List<RequestRecord> records = new ArrayList<>();

    void add(String entry) {
        entries.add(entry);
    }

    /** Only the metric entries, in order. */
    List<String> metrics() {
        return entries.stream().filter(entry -> entry.startsWith("metrics.")).toList();
    }

    @Override
    public void started(ModelEntry model) {
        add("metrics.started " + model.id());
    }

    @Override
    public void firstToken(ModelEntry model, Duration timeToFirstToken) {
        add("metrics.firstToken " + model.id() + " " + timeToFirstToken.toMillis() + "ms");
    }

    @Override
    public void succeeded(ModelEntry model, Duration latency, Usage usage) {
        add("metrics.succeeded " + model.id() + " " + latency.toMillis() + "ms " + usage.promptTokens() + "+"
                + usage.completionTokens());
    }

    @Override
    public void failed(ModelEntry model, Duration latency, String errorType) {
        add("metrics.failed " + model.id() + " " + latency.toMillis() + "ms " + errorType);
    }

    @Override
    public void governanceViolation(String attemptedModel, String sourceAgent) {
        add("metrics.governanceViolation " + attemptedModel + " " + sourceAgent);
    }

    @Override
    public void rateLimited(ProviderId provider) {
        add("metrics.rateLimited " + provider);
    }

    @Override
    public void rateLimitRetryDelay(ProviderId provider, Duration delay) {
        add("metrics.rateLimitRetryDelay " + provider + " " + delay.toMillis() + "ms");
    }

    @Override
    public void retried(ProviderId provider, String reason) {
        add("metrics.retried " + provider + " " + reason);
    }

    @Override
    public void record(GovernanceViolation violation) {
        violations.add(violation);
        add("audit " + violation.attemptedModel());
    }

    @Override
    public void selection(A2aContext context, String rationale) {
        add("log.selection " + context.traceId() + ": " + rationale);
    }

    @Override
    public void completed(RequestRecord record) {
        records.add(record);
        add("log.completed " + record.operation() + " " + record.status());
    }
}
