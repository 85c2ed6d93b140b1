package io.llmclient.application.accounting;

import io.llmclient.application.governance.Ticket;
import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.GovernanceViolation;
import java.util.Objects;
import java.util.Optional;

/**
 * Accounts for each request's life in the metrics, the request log and the audit trail, so that
 * the use case only says what happened: refused, started ({@link CallReport}), first token,
 * finished, failed, cancelled. It owns every figure reported: latency, time to first token and
 * the gateway's overhead ({@link RequestTimer}).
 */
public final class RequestAccounting {
    private static final String OP_PREPARE = "prepare";

    /** The audit reason of a request refused by a spent budget (contract section 10). */
    public static final String BUDGET_EXCEEDED = "budget_exceeded";

    private final MetricsPort metrics;
    private final AuditPort audit;
    private final RequestLog requestLog;
    private final TimeSource time;
    private final TracingPort tracing;

    public RequestAccounting(MetricsPort metrics, AuditPort audit, RequestLog requestLog, TimeSource time) {
        this(metrics, audit, requestLog, time, TracingPort.none());
    }

    /** As the four-argument constructor, with each upstream attempt reported to {@code tracing}. */
    public RequestAccounting(MetricsPort metrics, AuditPort audit, RequestLog requestLog, TimeSource time,
                             TracingPort tracing) {
        this.tracing = Objects.requireNonNull(tracing, "tracing");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.requestLog = Objects.requireNonNull(requestLog, "requestLog");
        this.time = Objects.requireNonNull(time, "time");
    }

    /** A request arriving now: latency, time to first token and overhead are measured from here. */
    public RequestTimer arrived() {
        return new RequestTimer(time, time.nanoTime());
    }

    /** Why a model was chosen, or refused, for a request. */
    public void selection(A2aContext context, String rationale) {
        requestLog.selection(context, rationale);
    }

    /**
     * A request refused before any model was resolved for it (invalid params, a tier without an
     * available model): one request log line, no request metric, since there is no model to label it.
     */
    public void refused(A2aContext context, RequestTimer timer, Optional<String> model, LlmFailure failure) {
        requestLog.completed(new RequestRecord(context, OP_PREPARE, model, Optional.empty(), timer.sinceArrival(),
                RequestRecord.Status.ERROR, Optional.of(failure.type())));
    }

    /**
     * A request for a resolved model that is refused because the model's provider cannot take it
     * (no key, circuit open): counted as a failed request of that model, so that the provider's
     * error series show it (docs/metrics.md, "provider unavailable"), and logged as any refusal.
     */
    public void unavailable(A2aContext context, RequestTimer timer, ModelEntry model, LlmFailure failure) {
        // Started and ended at once: the request counters move and the active gauge comes back down.
        metrics.started(model);
        metrics.failed(model, timer.sinceArrival(), failure.type());
        refused(context, timer, Optional.of(model.id()), failure);
    }

    /** Governance refused a model: counted apart from provider calls and written to the audit trail. */
    public void governanceViolation(A2aContext context, ModelNotAllowed refusal, String rationale) {
        metrics.governanceViolation(refusal.model(), context.sourceAgentOrUnknown());
        audit.record(new GovernanceViolation(time.now(), context, refusal.model(), rationale));
    }

    /**
     * A per-caller limit or budget refused the request, or could not be checked (it reaches no provider):
     * {@code llm_quota_rejections_total}, one request log line, and for a budget an audit entry with
     * the reason {@code budget_exceeded}.
     */
    public void quotaRefused(A2aContext context, RequestTimer timer, ModelEntry model, LlmFailure failure) {
        switch (failure) {
            case LlmFailure.QuotaExceeded quota -> metrics.quotaRejected(quota.principal(), quota.limit().wireName());
            case LlmFailure.BudgetExceeded budget -> {
                metrics.quotaRejected(budget.principal(), "budget");
                audit.record(new GovernanceViolation(time.now(), context, model.id(), BUDGET_EXCEEDED));
            }
            case LlmFailure.StateUnavailable unavailable -> {
                // Not the caller's limit: no rejection is counted; llm_state_errors_total has the cause.
            }
            default -> throw new IllegalArgumentException("not a quota refusal: " + failure.type());
        }
        refused(context, timer, Optional.of(model.id()), failure);
    }

    /** A call to {@code model}'s provider begins; the report takes it to its one end. */
    public CallReport started(A2aContext context, CallReport.Operation operation, ModelEntry model,
                              RequestTimer timer, Ticket ticket) {
        metrics.started(model);
        return new CallReport(metrics, requestLog, context, operation, model, timer, ticket, tracing);
    }
}
