package io.llmclient.application.service;

import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.resilience.ResilienceSettings;
import io.llmclient.application.resilience.ResilientCalls;
import io.llmclient.application.resilience.RetryPolicy;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.GovernanceViolation;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.selection.ModelSelector;
import io.llmclient.domain.selection.SelectionOutcome;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.validation.ChatRequestParser;
import io.llmclient.domain.validation.RequestLimits;
import io.llmclient.domain.validation.Validated;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The one entry point of the use case "ask a model": validate, govern, select, call the
 * provider with the A2A context, and report metrics and logs. Inbound adapters (JSON-RPC,
 * the OpenAI-compatible surface) only translate to and from it.
 */
public final class LlmService {
    private static final String OP_COMPLETE = "complete";
    private static final String OP_STREAM = "stream";
    private static final String INTERNAL_ERROR = "InternalError";

    private final ModelPolicy policy;
    private final ModelSelector selector;
    private final ProviderRegistry registry;
    private final MetricsPort metrics;
    private final AuditPort audit;
    private final RequestLog requestLog;
    private final TimeSource time;
    private final ResilientCalls calls;
    private final RequestLimits limits;

    /** A service that calls each provider once: no retries, queue, circuit breaking (fallback still applies). */
    public LlmService(ModelPolicy policy, ProviderRegistry registry, MetricsPort metrics, AuditPort audit,
                      RequestLog requestLog, TimeSource time) {
        this(policy, registry, metrics, audit, requestLog, time, new ResilientCalls(
                new RetryPolicy(ResilienceSettings.singleAttempt(), () -> 0.5), policy, registry,
                new ProviderGuards(ResilienceSettings.singleAttempt(), time, Sleeper.system()), metrics,
                Sleeper.system()));
    }

    /** A service whose provider calls go through {@code calls} (retries, rate-limit queue, circuit, fallback). */
    public LlmService(ModelPolicy policy, ProviderRegistry registry, MetricsPort metrics, AuditPort audit,
                      RequestLog requestLog, TimeSource time, ResilientCalls calls) {
        this(policy, registry, metrics, audit, requestLog, time, calls, RequestLimits.defaults());
    }

    /** As above, validating requests against {@code limits} (such as {@code LLM_MAX_MESSAGES}). */
    public LlmService(ModelPolicy policy, ProviderRegistry registry, MetricsPort metrics, AuditPort audit,
                      RequestLog requestLog, TimeSource time, ResilientCalls calls, RequestLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.selector = new ModelSelector(policy);
        this.registry = Objects.requireNonNull(registry, "registry");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.requestLog = Objects.requireNonNull(requestLog, "requestLog");
        this.time = Objects.requireNonNull(time, "time");
        this.calls = Objects.requireNonNull(calls, "calls");
    }

    /** Validates, governs and selects; throws {@link LlmFailureException} when any of them refuses. */
    public PreparedRequest prepare(Map<String, ?> params, A2aContext fromHeaders) {
        return prepare(params, fromHeaders, time.nanoTime());
    }

    /**
     * As {@link #prepare(Map, A2aContext)}, for a request that arrived at {@code arrivedNanos}
     * (a value of {@link #arrival()}): latency and time to first token are then measured from
     * the request's arrival, reading its body included, not from the start of validation.
     */
    public PreparedRequest prepare(Map<String, ?> params, A2aContext fromHeaders, long arrivedNanos) {
        long start = arrivedNanos;
        ChatRequest request = switch (ChatRequestParser.parse(params, fromHeaders, limits)) {
            case Validated.Valid<ChatRequest> valid -> valid.value();
            case Validated.Invalid<ChatRequest> invalid -> throw refused(
                    ChatRequestParser.bestEffortContext(params, fromHeaders), start, Optional.empty(),
                    new InvalidParams(invalid.errors()));
        };
        SelectionOutcome outcome = selector.select(request, registry::available);
        requestLog.selection(request.context(), outcome.rationale());
        return switch (outcome) {
            case SelectionOutcome.Selected selected -> new PreparedRequest(request, selected.model(), start);
            case SelectionOutcome.Refused(ModelNotAllowed notAllowed, String rationale) -> {
                governanceViolation(request.context(), notAllowed, rationale);
                throw refused(request.context(), start, Optional.of(notAllowed.model()), notAllowed);
            }
            case SelectionOutcome.Refused refusal -> throw refused(request.context(), start,
                    request.model(), refusal.failure());
        };
    }

    /** Marks a request's arrival on the service's monotonic clock, for {@link #prepare(Map, A2aContext, long)}. */
    public long arrival() {
        return time.nanoTime();
    }

    /** Validates, selects and calls the provider, waiting for the whole answer. */
    public ChatResponse complete(Map<String, ?> params, A2aContext fromHeaders) {
        return complete(prepare(params, fromHeaders));
    }

    /**
     * Calls the provider for a prepared request, waiting for the whole answer.
     *
     * <p>Interrupting the calling thread cancels the call (its caller went away, decision 22):
     * wherever it waits, it ends with a {@link CancellationException}, the interrupt kept set,
     * without a retry or a fallback, and the request is recorded as cancelled by the client
     * ({@link MetricsPort#cancelled}).
     */
    public ChatResponse complete(PreparedRequest prepared) {
        requireProvider(prepared.model());
        var current = new Current(prepared);
        metrics.started(prepared.model());
        boolean recorded = false;
        try {
            ChatResponse response = calls.call(prepared.request(), prepared.model(), (provider, context) -> {
                long called = time.nanoTime();
                try {
                    return provider.complete(prepared.request(), context);
                } finally {
                    prepared.providerTime().add(time.nanoTime() - called);
                }
            }, () -> false, current).value();
            recordOverhead(current.prepared);
            recorded = true;
            return succeeded(current.prepared, OP_COMPLETE, response);
        } catch (LlmFailureException failure) {
            recordOverhead(current.prepared);
            recorded = true;
            failed(current.prepared, OP_COMPLETE, failure.failure().type());
            throw failure;
        } catch (CancellationException callerGone) {
            recorded = true;
            cancelled(current.prepared, OP_COMPLETE);
            throw callerGone;
        } finally {
            if (!recorded) {
                // A bug, or an Error such as OutOfMemoryError: still one request that ended, so that the
                // active-requests gauge comes down and the request log has its line.
                failed(current.prepared, OP_COMPLETE, INTERNAL_ERROR);
            }
        }
    }

    /**
     * What the gateway itself has added to a request so far: the time since it arrived minus
     * the time spent waiting on providers. For a stream the provider wait stops counting when
     * it is committed (its first delta, or an opening the sink passed on, see
     * {@link StreamSink#opened()}), so that, read when the stream's headers go out, this is the delay the
     * gateway added before the first byte (what {@code X-Gateway-Overhead-Ms} reports).
     * Waits in the gateway's own rate-limit queue and retry back-off count as overhead.
     */
    public Duration overhead(PreparedRequest prepared) {
        long total = time.nanoTime() - prepared.startNanos();
        return Duration.ofNanos(Math.max(0, total - prepared.providerTime().nanos()));
    }

    private void recordOverhead(PreparedRequest prepared) {
        metrics.overhead(prepared.model().provider(), overhead(prepared));
    }

    /**
     * Streams a prepared request to the sink: deltas (text and tool-call fragments), then
     * exactly one {@code Completed} or {@code Failed}. A failure before the stream is committed
     * (its first delta, or an opening the sink passed on, see {@link StreamSink#opened()}) is
     * thrown instead, so the caller can still answer it as an ordinary error; until then it
     * may be retried or sent to a fallback model.
     *
     * <p>When the sink throws while taking a delta (its caller went away), the provider is
     * expected to stop; whatever it then throws, the request is recorded as cancelled by the
     * client ({@link MetricsPort#cancelled}), not as a provider or internal error, and the
     * sink's own exception is rethrown so the caller recognises it.
     */
    public void stream(PreparedRequest prepared, StreamSink sink) {
        requireProvider(prepared.model());
        var current = new Current(prepared);
        var tracking = new TrackingSink(current, sink);
        metrics.started(prepared.model());
        ChatResponse done;
        boolean recorded = false;
        try {
            // Retried and sent to another model only before anything reached the caller.
            calls.call(prepared.request(), prepared.model(), (provider, context) -> {
                tracking.called = time.nanoTime();
                try {
                    provider.stream(prepared.request(), context, tracking);
                } finally {
                    prepared.providerTime().add(time.nanoTime() - tracking.called);
                }
                return Boolean.TRUE;
            }, () -> tracking.committed, current);
            if (tracking.callerGone != null) {
                // The provider swallowed the sink's exception and ended quietly.
                throw tracking.callerGone;
            }
            if (tracking.completed == null) {
                throw new IllegalStateException("provider " + current.prepared.model().provider()
                        + " ended a stream without completing it");
            }
            recorded = true;
            done = succeeded(current.prepared, OP_STREAM, tracking.completed);
        } catch (RuntimeException thrown) {
            if (recorded) {
                // Recording the success failed: it is not recorded a second time as a failure.
                throw thrown;
            }
            recorded = true;
            if (tracking.callerGone != null) {
                cancelled(current.prepared, OP_STREAM);
                throw tracking.callerGone;
            }
            if (thrown instanceof CancellationException) {
                // The thread was interrupted: its caller went away while the provider was waited for.
                cancelled(current.prepared, OP_STREAM);
                throw thrown;
            }
            if (!(thrown instanceof LlmFailureException failure)) {
                failed(current.prepared, OP_STREAM, INTERNAL_ERROR);
                throw thrown;
            }
            if (!tracking.committed) {
                recordOverhead(current.prepared);
            }
            failed(current.prepared, OP_STREAM, failure.failure().type());
            if (!tracking.committed) {
                throw failure;
            }
            sink.accept(new StreamEvent.Failed(failure.failure()));
            return;
        } finally {
            if (!recorded) {
                // An Error such as OutOfMemoryError: the stream ended all the same, so that the
                // active-requests gauge comes down and the request log has its line.
                if (tracking.callerGone != null) {
                    cancelled(current.prepared, OP_STREAM);
                } else {
                    failed(current.prepared, OP_STREAM, INTERNAL_ERROR);
                }
            }
        }
        // Outside the try: the call is already recorded as a success, and a sink that throws here
        // (the caller went away) must not record it a second time as a failure.
        sink.accept(new StreamEvent.Completed(done));
    }

    /** The allowed models, the default, and which are available now. */
    public ModelListing models() {
        var listed = policy.allowList().models().stream()
                .map(id -> policy.catalog().find(id))
                .flatMap(Optional::stream)
                .map(entry -> new ModelListing.Listed(entry, registry.available(entry.provider())))
                .toList();
        return new ModelListing(policy.defaultModel(), listed);
    }

    // The model a request is on now: selection's choice, or the model it fell back to. A fallback
    // ends the failed model's call in the metrics and starts the next one's, with the rationale logged.
    private final class Current implements ResilientCalls.FallbackListener {
        private PreparedRequest prepared;

        Current(PreparedRequest prepared) {
            this.prepared = prepared;
        }

        @Override
        public void fallingBack(ModelEntry failedModel, LlmFailure failure, ModelEntry next, String rationale) {
            metrics.failed(failedModel, since(prepared.startNanos()), failure.type());
            requestLog.selection(prepared.request().context(), rationale);
            prepared = new PreparedRequest(prepared.request(), next, prepared.startNanos(), prepared.providerTime());
            metrics.started(next);
        }
    }

    // Holds back the provider's Completed event so that it goes out with the latency measured
    // here, records time to first token once the first delta has been handed on, and remembers
    // when the downstream sink threw (its caller went away). The stream is committed (no retry,
    // no fallback) from the first delta, or from an opening the downstream sink passed on.
    private final class TrackingSink implements StreamSink {
        private final Current current;
        private final StreamSink downstream;
        private boolean committed;
        private boolean deltaSeen;
        private ChatResponse completed;
        private RuntimeException callerGone;
        private long called;

        TrackingSink(Current current, StreamSink downstream) {
            this.current = current;
            this.downstream = downstream;
        }

        @Override
        public void accept(StreamEvent event) {
            switch (event) {
                // A tool-call fragment is output like text: it commits the stream and is its first token.
                case StreamEvent.Delta _, StreamEvent.ToolCallDelta _ -> handOn(event);
                case StreamEvent.Completed done -> completed = done.response();
                case StreamEvent.Failed failed -> throw new LlmFailureException(failed.failure());
            }
        }

        @Override
        public boolean opened() {
            if (callerGone != null) {
                throw callerGone;
            }
            if (committed || deltaSeen) {
                return committed;
            }
            // Counted so far, so that a consumer opening its response now reports the overhead up
            // to this byte; frozen only if it does, else counting goes on to the first delta.
            ProviderTime waited = current.prepared.providerTime();
            long now = time.nanoTime();
            waited.add(now - called);
            called = now;
            boolean passedOn;
            try {
                passedOn = downstream.opened();
            } catch (RuntimeException gone) {
                callerGone = gone;
                throw gone;
            }
            if (passedOn) {
                waited.freeze();
                committed = true;
                recordOverhead(current.prepared);
            }
            return passedOn;
        }

        private void handOn(StreamEvent delta) {
            if (callerGone != null) {
                // The provider did not stop at the first exception: keep refusing.
                throw callerGone;
            }
            boolean firstDelta = !deltaSeen;
            deltaSeen = true;
            boolean commits = !committed;
            committed = true;
            if (commits) {
                // The provider wait up to the first byte out is all that counts for a stream's overhead.
                ProviderTime waited = current.prepared.providerTime();
                waited.add(time.nanoTime() - called);
                waited.freeze();
            }
            try {
                downstream.accept(delta);
            } catch (RuntimeException gone) {
                callerGone = gone;
                throw gone;
            }
            if (firstDelta) {
                metrics.firstToken(current.prepared.model(), since(current.prepared.startNanos()));
            }
            if (commits) {
                recordOverhead(current.prepared);
            }
        }
    }

    // A prepared request for a provider no module registers is a bug, found before any metric moves.
    private void requireProvider(ModelEntry model) {
        if (registry.provider(model.provider()).isEmpty()) {
            throw new IllegalStateException(
                    "selection chose model " + model.id() + " of unregistered provider " + model.provider());
        }
    }

    private ChatResponse succeeded(PreparedRequest prepared, String operation, ChatResponse response) {
        Duration latency = since(prepared.startNanos());
        metrics.succeeded(prepared.model(), latency, response.usage());
        requestLog.completed(new RequestRecord(prepared.request().context(), operation,
                Optional.of(prepared.model().id()), Optional.of(prepared.model().provider().value()), latency,
                RequestRecord.Status.SUCCESS, Optional.empty()));
        return response.withLatency(latency);
    }

    private void failed(PreparedRequest prepared, String operation, String errorType) {
        Duration latency = since(prepared.startNanos());
        metrics.failed(prepared.model(), latency, errorType);
        requestLog.completed(new RequestRecord(prepared.request().context(), operation,
                Optional.of(prepared.model().id()), Optional.of(prepared.model().provider().value()), latency,
                RequestRecord.Status.ERROR, Optional.of(errorType)));
    }

    private void cancelled(PreparedRequest prepared, String operation) {
        Duration latency = since(prepared.startNanos());
        metrics.cancelled(prepared.model(), latency);
        requestLog.completed(new RequestRecord(prepared.request().context(), operation,
                Optional.of(prepared.model().id()), Optional.of(prepared.model().provider().value()), latency,
                RequestRecord.Status.ERROR, Optional.of(MetricsPort.CLIENT_CANCELLED)));
    }

    private LlmFailureException refused(A2aContext context, long start, Optional<String> model, LlmFailure failure) {
        requestLog.completed(new RequestRecord(context, "prepare", model, Optional.empty(), since(start),
                RequestRecord.Status.ERROR, Optional.of(failure.type())));
        return new LlmFailureException(failure);
    }

    private void governanceViolation(A2aContext context, ModelNotAllowed refusal, String rationale) {
        metrics.governanceViolation(refusal.model(), context.sourceAgentOrUnknown());
        audit.record(new GovernanceViolation(time.now(), context, refusal.model(), rationale));
    }

    private Duration since(long startNanos) {
        return Duration.ofNanos(time.nanoTime() - startNanos);
    }
}
