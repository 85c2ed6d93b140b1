package io.llmclient.application.accounting;

import io.llmclient.application.governance.Ticket;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.telemetry.AttemptSpan;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The accounting of one provider call, from {@link RequestAccounting#started} to exactly one of
 * {@link #succeeded}, {@link #failed} or {@link #cancelled}: the request metrics, the request
 * log line, the provider wait and the gateway overhead, the caller's {@link Ticket}, settled
 * at that one end, and the trace's span of each upstream attempt ({@link #attempt}), the last one
 * ended at that same end with the answer's usage and cost. A fallback moves it to the next model.
 */
public final class CallReport {
    private static final String INTERNAL_ERROR = "InternalError";

    /** What the caller asked for, as the request log names it. */
    public enum Operation {
        COMPLETE("complete"), STREAM("stream");

        private final String logName;

        Operation(String logName) {
            this.logName = logName;
        }
    }

    private final MetricsPort metrics;
    private final RequestLog requestLog;
    private final A2aContext context;
    private final Operation operation;
    private final RequestTimer timer;
    private final Ticket ticket;
    private final TracingPort tracing;
    private ModelEntry model;
    // The attempt whose span is still open: the one running, or the one that gave the answer.
    private AttemptSpan openAttempt = AttemptSpan.none();
    // What the provider reported before the end, charged when the call fails or is cancelled.
    private volatile Usage reported = Usage.ZERO;

    CallReport(MetricsPort metrics, RequestLog requestLog, A2aContext context, Operation operation, ModelEntry model,
               RequestTimer timer, Ticket ticket, TracingPort tracing) {
        this.ticket = ticket;
        this.tracing = tracing;
        this.metrics = metrics;
        this.requestLog = requestLog;
        this.context = context;
        this.operation = operation;
        this.model = model;
        this.timer = timer;
    }

    /** The model the call is on now: the one it started with, or the one it fell back to. */
    public ModelEntry model() {
        return model;
    }

    /** Runs one provider call, its duration counted as provider wait (not overhead). */
    public <T> T providerCall(Supplier<T> call) {
        long called = timer.nanoTime();
        try {
            return call.get();
        } finally {
            timer.providerWaited(timer.nanoTime() - called);
        }
    }

    /**
     * Runs one upstream attempt of {@code request} in its own span: {@code call} is given the
     * context carrying the span's trace headers. A failure ends the span with its type (whether it is
     * then retried, sent to another model or returned); an attempt that returns keeps its span open
     * until this call's end, which records the answer's usage and cost on it.
     */
    public <T> T attempt(ChatRequest request, CallContext context, Function<CallContext, T> call) {
        // Never two open: an attempt is only started after the previous one failed.
        endAttempt(INTERNAL_ERROR);
        AttemptSpan span = tracing.attemptStarted(context.model(), request);
        openAttempt = span;
        try {
            return call.apply(context.withTraceHeaders(span.headers()));
        } catch (LlmFailureException failure) {
            endAttempt(Thread.currentThread().isInterrupted() ? MetricsPort.CLIENT_CANCELLED
                    : failure.failure().type());
            throw failure;
        }
    }

    private void endAttempt(String errorType) {
        AttemptSpan open = openAttempt;
        openAttempt = AttemptSpan.none();
        open.failed(errorType);
    }

    /** Wraps a stream's sink to measure it: see {@link StreamTracking}. */
    public StreamTracking tracking(StreamSink downstream) {
        return new StreamTracking(this, timer, downstream);
    }

    /**
     * The model failed and the call goes on with {@code next}: the failed model's call ends in the
     * metrics, the next one's starts, and the rationale is logged.
     */
    public void fellBack(ModelEntry failedModel, LlmFailure failure, ModelEntry next, String rationale) {
        metrics.failed(failedModel, timer.sinceArrival(), failure.type());
        requestLog.selection(context, rationale);
        model = next;
        metrics.started(next);
    }

    /** Reports what the gateway has added so far, as {@code llm_gateway_overhead}. */
    public void overheadSoFar() {
        metrics.overhead(model.provider(), timer.overhead());
    }

    /**
     * The call ended well: returns the response with the latency measured here and its cost, which
     * is charged to the caller.
     */
    public ChatResponse succeeded(ChatResponse response) {
        Duration latency = timer.sinceArrival();
        Optional<NanoUsd> cost = ticket.settle(model, response.usage());
        metrics.succeeded(model, latency, response.usage());
        log(latency, RequestRecord.Status.SUCCESS, Optional.empty(), cost);
        ChatResponse answered = response.withLatency(latency).withCost(cost);
        AttemptSpan open = openAttempt;
        openAttempt = AttemptSpan.none();
        open.answered(answered);
        return answered;
    }

    /** The call ended with a failure of the contract type named. */
    public void failed(String errorType) {
        Duration latency = timer.sinceArrival();
        Optional<NanoUsd> charged = chargedFor(reported);
        metrics.failed(model, latency, errorType);
        log(latency, RequestRecord.Status.ERROR, Optional.of(errorType), charged);
        endAttempt(errorType);
    }

    /** The call ended by a bug or an {@link Error}: still one request that ended. */
    public void failedInternally() {
        failed(INTERNAL_ERROR);
    }

    /** The caller went away before the call ended. */
    public void cancelled() {
        Duration latency = timer.sinceArrival();
        Optional<NanoUsd> charged = chargedFor(reported);
        metrics.cancelled(model, latency);
        log(latency, RequestRecord.Status.ERROR, Optional.of(MetricsPort.CLIENT_CANCELLED), charged);
        endAttempt(MetricsPort.CLIENT_CANCELLED);
    }

    // A call that ended early is charged what its provider reported; its log line shows a charge
    // only when there was one, so that the request log adds up to the spend.
    private Optional<NanoUsd> chargedFor(Usage usage) {
        return ticket.settle(model, usage).filter(cost -> cost.nanos() > 0);
    }

    /** The usage the provider has reported so far in a stream (see {@link StreamSink#usage}). */
    void reported(Usage soFar) {
        reported = soFar;
    }

    void firstToken() {
        metrics.firstToken(model, timer.sinceArrival());
    }

    private void log(Duration latency, RequestRecord.Status status, Optional<String> errorType,
                     Optional<NanoUsd> cost) {
        requestLog.completed(new RequestRecord(context, operation.logName, Optional.of(model.id()),
                Optional.of(model.provider().value()), latency, status, errorType, cost));
    }
}
