package io.llmclient.application.service;

import io.llmclient.application.accounting.CallReport;
import io.llmclient.application.accounting.RequestAccounting;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.accounting.StreamTracking;
import io.llmclient.application.governance.Governance;
import io.llmclient.application.governance.InProcessQuotaState;
import io.llmclient.application.governance.Ticket;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.resilience.ProviderHealth;
import io.llmclient.application.resilience.ResilienceSettings;
import io.llmclient.application.resilience.ResilientCalls;
import io.llmclient.application.resilience.RetryPolicy;
import io.llmclient.application.resilience.Sleeper;
import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.TokenEstimate;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.Principal;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.selection.ModelSelector;
import io.llmclient.domain.selection.SelectionOutcome;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.validation.ChatRequestParser;
import io.llmclient.domain.validation.RequestLimits;
import io.llmclient.domain.validation.Validated;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import java.util.function.Function;

/**
 * The one entry point of the use case "ask a model": validate, govern, select, and call the
 * provider with the A2A context through {@link ResilientCalls}. What happens is reported to a
 * {@link RequestAccounting} at the few points of a request's life (refused, started, first token,
 * finished, failed, cancelled). Inbound adapters (JSON-RPC, the OpenAI-compatible surface) only
 * translate to and from it. Built with {@link #builder()}.
 */
public final class LlmService {
    private final ModelPolicy policy;
    private final ModelSelector selector;
    private final ProviderRegistry registry;
    private final RequestAccounting accounting;
    private final ResilientCalls calls;
    private final RequestLimits limits;
    private final Governance governance;
    private final TracingPort tracing;

    private LlmService(Builder builder, RequestAccounting accounting, ResilientCalls calls, Governance governance) {
        this.governance = governance;
        this.tracing = builder.tracing;
        this.policy = builder.policy;
        this.selector = new ModelSelector(policy);
        this.registry = builder.registry;
        this.limits = builder.limits;
        this.accounting = accounting;
        this.calls = calls;
    }

    /** A builder; policy, registry, metrics, audit and request log are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Marks a request's arrival, for {@link #prepare(Map, A2aContext, RequestTimer)}. */
    public RequestTimer arrival() {
        return accounting.arrived();
    }

    /**
     * Validates, governs and selects for the anonymous caller; throws {@link LlmFailureException}
     * when any of them refuses.
     */
    public PreparedRequest prepare(Map<String, ?> params, A2aContext fromHeaders) {
        return prepare(params, fromHeaders, accounting.arrived());
    }

    /**
     * Where the request's trace is reported: an inbound adapter that hands a request's work to other
     * threads (a JSON-RPC batch) runs it {@linkplain TracingPort#carried carried}, so it stays in the trace.
     */
    public TracingPort tracing() {
        return tracing;
    }

    /** The per-caller governance: who calls, and the policy and limits new requests run under. */
    public Governance governance() {
        return governance;
    }

    /**
     * As {@link #prepare(Map, A2aContext)}, for a request that arrived as {@code arrived} tells
     * (a value of {@link #arrival()}): latency, time to first token and overhead are then measured
     * from the request's arrival, reading its body included, not from the start of validation.
     */
    public PreparedRequest prepare(Map<String, ?> params, A2aContext fromHeaders, RequestTimer arrived) {
        return prepare(params, fromHeaders, arrived, governance.anonymous());
    }

    /**
     * As {@link #prepare(Map, A2aContext, RequestTimer)} for an authenticated {@code caller}: its
     * {@code source_agent}, its effective allow-list, then its limits and budget are checked, in the
     * contract's order (section 10). An admitted request holds a place in the caller's in-flight
     * count until its call ends; one whose call never runs must be {@linkplain PreparedRequest#release()
     * released}.
     */
    public PreparedRequest prepare(Map<String, ?> params, A2aContext fromHeaders, RequestTimer arrived,
                                   Caller caller) {
        return prepare(params, fromHeaders, arrived, caller, governance::admit);
    }

    private PreparedRequest prepare(Map<String, ?> params, A2aContext fromHeaders, RequestTimer arrived,
                                    Caller caller, Function<Caller, Ticket> admission) {
        // The contract's order; a refusal at any step ends the request there. Auth came first, at the door.
        A2aContext asCaller = fromHeaders.withPrincipal(caller.id());
        ChatRequest request = validated(params, asCaller, arrived, caller.principal());
        ModelEntry model = selected(request, arrived, caller.principal().allowed());
        Ticket ticket = admitted(request, model, arrived, caller, admission);
        return new PreparedRequest(request, model, arrived, ticket);
    }

    private ChatRequest validated(Map<String, ?> params, A2aContext fromHeaders, RequestTimer arrived,
                                  Principal principal) {
        Validated<ChatRequest> parsed = ChatRequestParser.parse(params, fromHeaders, limits);
        A2aContext claimed = switch (parsed) {
            case Validated.Valid<ChatRequest> valid -> valid.value().context();
            case Validated.Invalid<ChatRequest> invalid -> ChatRequestParser.bestEffortContext(params, fromHeaders);
        };
        // The request's span learns whose it is (its caller's own trace id included), refused or not.
        tracing.requestIdentified(claimed);
        // The key's source_agent binding is one more broken field, reported with the others.
        List<FieldError> errors = new ArrayList<>(parsed instanceof Validated.Invalid<ChatRequest> invalid
                ? invalid.errors() : List.of());
        principal.refusedClaim(claimed.sourceAgent()).ifPresent(errors::add);
        if (!errors.isEmpty()) {
            throw refused(claimed, arrived, Optional.empty(), new InvalidParams(errors));
        }
        ChatRequest request = ((Validated.Valid<ChatRequest>) parsed).value();
        Optional<String> agent = principal.speaksFor(claimed.sourceAgent());
        return agent.equals(claimed.sourceAgent()) ? request : request.withContext(claimed.withSourceAgent(agent));
    }

    // Limits, then budget: a refused request consumes nothing.
    private Ticket admitted(ChatRequest request, ModelEntry model, RequestTimer arrived, Caller caller,
                           Function<Caller, Ticket> admission) {
        try {
            return admission.apply(caller);
        } catch (LlmFailureException refusal) {
            accounting.quotaRefused(request.context(), arrived, model, refusal.failure());
            throw refusal;
        }
    }

    // Model access (the caller's effective allow-list) and availability.
    private ModelEntry selected(ChatRequest request, RequestTimer arrived, AllowList allowed) {
        SelectionOutcome outcome = selector.select(request, allowed, registry::available);
        accounting.selection(request.context(), outcome.rationale());
        return switch (outcome) {
            case SelectionOutcome.Selected selected -> selected.model();
            case SelectionOutcome.Refused(ModelNotAllowed notAllowed, String rationale) -> {
                accounting.governanceViolation(request.context(), notAllowed, rationale);
                throw refused(request.context(), arrived, Optional.of(notAllowed.model()), notAllowed);
            }
            case SelectionOutcome.Refused refusal -> throw unavailable(request, arrived, refusal.failure());
        };
    }

    /**
     * Counts the input tokens of a request for {@code caller} ({@code count_tokens}): validated and
     * selected as a call is, and admitted counting toward the caller's rpm only (contract section
     * 14: refused by an rpm window, never by tpm, max-parallel or a budget), then counted by the
     * provider when it can count, else estimated
     * by {@link TokenEstimate}. Nothing is charged: no tokens are generated. {@code forwarded} reaches
     * the provider's count request as it would its call.
     */
    public TokenCount countTokens(Map<String, ?> params, A2aContext fromHeaders, RequestTimer arrived, Caller caller,
                                  ForwardedHeaders forwarded) {
        PreparedRequest prepared = prepare(params, fromHeaders, arrived, caller,
                governance::admitCountingRequestsOnly);
        try {
            ChatRequest request = prepared.request().withForwarded(forwarded);
            ModelEntry model = prepared.model();
            OptionalInt counted = registry.provider(model.provider())
                    .map(provider -> provider.countTokens(request, new CallContext(model, request.context())))
                    .orElse(OptionalInt.empty());
            return counted.isPresent() ? new TokenCount(model.id(), counted.getAsInt(), true)
                    : new TokenCount(model.id(), TokenEstimate.of(request), false);
        } finally {
            prepared.release();
        }
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
        requireProvider(prepared);
        CallReport report = accounting.started(prepared.request().context(), CallReport.Operation.COMPLETE,
                prepared.model(), prepared.timer(), prepared.ticket());
        boolean recorded = false;
        try {
            ChatResponse response = calls.call(prepared.request(), prepared.allowed(), prepared.model(),
                    (provider, context) -> report.attempt(prepared.request(), context, traced ->
                            report.providerCall(() -> provider.complete(prepared.request(), traced))),
                    () -> false, report::fellBack).value();
            report.overheadSoFar();
            recorded = true;
            return report.succeeded(response);
        } catch (LlmFailureException failure) {
            report.overheadSoFar();
            recorded = true;
            report.failed(failure.failure().type());
            throw failure;
        } catch (CancellationException callerGone) {
            recorded = true;
            report.cancelled();
            throw callerGone;
        } finally {
            if (!recorded) {
                // A bug, or an Error such as OutOfMemoryError: still one request that ended, so that the
                // active-requests gauge comes down and the request log has its line.
                report.failedInternally();
            }
        }
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
        requireProvider(prepared);
        CallReport report = accounting.started(prepared.request().context(), CallReport.Operation.STREAM,
                prepared.model(), prepared.timer(), prepared.ticket());
        StreamTracking tracking = report.tracking(sink);
        ChatResponse done;
        boolean recorded = false;
        try {
            // Retried and sent to another model only before anything reached the caller.
            calls.call(prepared.request(), prepared.allowed(), prepared.model(), (provider, context) ->
                    report.attempt(prepared.request(), context, traced -> {
                        tracking.providerCall(() -> provider.stream(prepared.request(), traced, tracking));
                        return Boolean.TRUE;
                    }), tracking::committed, report::fellBack);
            if (tracking.callerGone().isPresent()) {
                // The provider swallowed the sink's exception and ended quietly.
                throw tracking.callerGone().get();
            }
            ChatResponse completed = tracking.completed().orElseThrow(() -> new IllegalStateException(
                    "provider " + report.model().provider() + " ended a stream without completing it"));
            recorded = true;
            done = report.succeeded(completed);
        } catch (RuntimeException thrown) {
            if (recorded) {
                // Recording the success failed: it is not recorded a second time as a failure.
                throw thrown;
            }
            recorded = true;
            if (tracking.callerGone().isPresent()) {
                report.cancelled();
                throw tracking.callerGone().get();
            }
            if (thrown instanceof CancellationException) {
                // The thread was interrupted: its caller went away while the provider was waited for.
                report.cancelled();
                throw thrown;
            }
            if (!(thrown instanceof LlmFailureException failure)) {
                report.failedInternally();
                throw thrown;
            }
            if (!tracking.committed()) {
                report.overheadSoFar();
            }
            report.failed(failure.failure().type());
            if (!tracking.committed()) {
                throw failure;
            }
            sink.accept(new StreamEvent.Failed(failure.failure()));
            return;
        } finally {
            if (!recorded) {
                // An Error such as OutOfMemoryError: the stream ended all the same, so that the
                // active-requests gauge comes down and the request log has its line.
                if (tracking.callerGone().isPresent()) {
                    report.cancelled();
                } else {
                    report.failedInternally();
                }
            }
        }
        // Outside the try: the call is already recorded as a success, and a sink that throws here
        // (the caller went away) must not record it a second time as a failure.
        sink.accept(new StreamEvent.Completed(done));
    }

    /** The allowed models, the default, and which are available now. */
    public ModelListing models() {
        return models(governance.anonymous());
    }

    /** The models {@code caller} may call (its effective allow-list), the default, and which are available now. */
    public ModelListing models(Caller caller) {
        var listed = caller.principal().allowed().models().stream()
                .map(id -> policy.catalog().find(id))
                .flatMap(Optional::stream)
                .map(entry -> new ModelListing.Listed(entry, registry.available(entry.provider())))
                .toList();
        return new ModelListing(policy.defaultModel(), listed);
    }

    // A prepared request for a provider no module registers is a bug, found before any metric moves.
    private void requireProvider(PreparedRequest prepared) {
        ModelEntry model = prepared.model();
        if (registry.provider(model.provider()).isEmpty()) {
            prepared.release();
            throw new IllegalStateException(
                    "selection chose model " + model.id() + " of unregistered provider " + model.provider());
        }
    }

    private LlmFailureException refused(A2aContext context, RequestTimer arrived, Optional<String> model,
                                        LlmFailure failure) {
        accounting.refused(context, arrived, model, failure);
        return new LlmFailureException(failure);
    }

    // A model was resolved (named, in the catalog) but its provider cannot take it: a failed request of
    // that model. A refused tier or an unknown model has no model to count it against.
    private LlmFailureException unavailable(ChatRequest request, RequestTimer arrived, LlmFailure failure) {
        Optional<ModelEntry> resolved = request.model().flatMap(policy.catalog()::find);
        if (resolved.isEmpty()) {
            return refused(request.context(), arrived, request.model(), failure);
        }
        accounting.unavailable(request.context(), arrived, resolved.get(), failure);
        return new LlmFailureException(failure);
    }

    /** Assembles a service; {@link #build()} checks that every required part is given. */
    public static final class Builder {
        private ModelPolicy policy;
        private ProviderRegistry registry;
        private MetricsPort metrics;
        private AuditPort audit;
        private RequestLog requestLog;
        private TimeSource time = TimeSource.system();
        private ResilientCalls calls;
        private RequestLimits limits = RequestLimits.defaults();
        private Function<MetricsPort, Governance> governance;
        private ProviderHealth providerHealth = ProviderHealth.inProcess();
        private TracingPort tracing = TracingPort.none();

        private Builder() {
        }

        /** Where requests and upstream attempts are traced; default nowhere (tracing off). */
        public Builder tracing(TracingPort tracing) {
            this.tracing = tracing;
            return this;
        }

        /** The catalog, allow-list and routing that selection applies. Required. */
        public Builder policy(ModelPolicy policy) {
            this.policy = policy;
            return this;
        }

        /** The registered providers and their availability. Required. */
        public Builder registry(ProviderRegistry registry) {
            this.registry = registry;
            return this;
        }

        /** Where the request metrics go. Required. */
        public Builder metrics(MetricsPort metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Where governance violations are recorded. Required. */
        public Builder audit(AuditPort audit) {
            this.audit = audit;
            return this;
        }

        /** Where the request log lines go. Required. */
        public Builder requestLog(RequestLog requestLog) {
            this.requestLog = requestLog;
            return this;
        }

        /** The clocks latencies and audit entries are taken from; default the system's. */
        public Builder time(TimeSource time) {
            this.time = time;
            return this;
        }

        /**
         * How providers are called (retries, rate-limit queue, circuit, fallback); default each
         * provider called once, with no retry, queue or circuit breaking (fallback still applies).
         */
        public Builder calls(ResilientCalls calls) {
            this.calls = calls;
            return this;
        }

        /** The limits requests are validated against (such as {@code LLM_MAX_MESSAGES}); default the contract's. */
        public Builder limits(RequestLimits limits) {
            this.limits = limits;
            return this;
        }

        /**
         * Per-caller governance, built with the service's metrics; default a policy without keys or
         * prices (every caller {@code anonymous}, allowed the service's allow-list) over in-process state.
         */
        public Builder governance(Function<MetricsPort, Governance> governance) {
            this.governance = governance;
            return this;
        }

        /**
         * Provider cooldowns and circuits shared with other replicas, for the default {@link #calls};
         * default {@link ProviderHealth#inProcess()}. A service given its own {@code calls} shares
         * through the {@link ProviderGuards} it built them with.
         */
        public Builder providerHealth(ProviderHealth providerHealth) {
            this.providerHealth = providerHealth;
            return this;
        }

        /** The service; throws {@link NullPointerException} naming a missing part. */
        public LlmService build() {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(registry, "registry");
            Objects.requireNonNull(metrics, "metrics");
            Objects.requireNonNull(time, "time");
            Objects.requireNonNull(limits, "limits");
            Objects.requireNonNull(providerHealth, "providerHealth");
            Objects.requireNonNull(tracing, "tracing");
            var accounting = new RequestAccounting(metrics, audit, requestLog, time, tracing);
            ResilientCalls resilient = calls != null ? calls : new ResilientCalls(
                    new RetryPolicy(ResilienceSettings.singleAttempt(), () -> 0.5), policy, registry,
                    new ProviderGuards(ResilienceSettings.singleAttempt(), time, Sleeper.system(), providerHealth), metrics,
                    Sleeper.system());
            Governance perCaller = governance != null ? governance.apply(metrics) : new Governance(
                    GovernancePolicy.open(policy.allowList()), new InProcessQuotaState(), time, metrics);
            return new LlmService(this, accounting, resilient, perCaller);
        }
    }
}
