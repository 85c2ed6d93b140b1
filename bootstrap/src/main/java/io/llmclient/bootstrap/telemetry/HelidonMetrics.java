package io.llmclient.bootstrap.telemetry;

import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.llmclient.application.governance.Governance;
import io.llmclient.application.governance.Standing;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The metrics port on Helidon's metrics API, exposed at {@code /metrics} in Prometheus text
 * (contract section 7). Meter names are given without the suffixes Prometheus adds
 * ({@code _total} for counters, the unit {@code _seconds} for timers).
 */
public final class HelidonMetrics implements MetricsPort {
    private static final Logger LOG = LogManager.getLogger(HelidonMetrics.class);
    /**
     * Upper bounds, in seconds, of both latency histograms: 5 ms (the simulator, a cached answer)
     * to 120 s (a long reasoning completion with retries), about two per decade plus the 20/30/60 s
     * steps where timeouts sit, so p50/p95/p99 stay within one bucket's width of the truth
     * (docs/observability.md).
     */
    static final double[] LATENCY_BUCKET_SECONDS = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30,
        60, 120};
    private static final Duration[] LATENCY_BUCKETS = buckets(LATENCY_BUCKET_SECONDS);
    // Retry waits run from a few milliseconds (retry-after-ms) up to LLM_RETRY_MAX_DELAY (32 s by default).
    private static final Duration[] RETRY_DELAY_BUCKETS = buckets(0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32, 60);

    /**
     * Upper bounds, in seconds, of the gateway overhead histogram: 50 µs (one loopback hop) to
     * 1 s (a request queued behind the rate-limit gate or a retry back-off).
     */
    static final double[] OVERHEAD_BUCKET_SECONDS = {0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01,
        0.025, 0.05, 0.1, 0.25, 1};
    private static final Duration[] OVERHEAD_BUCKETS = buckets(OVERHEAD_BUCKET_SECONDS);
    /** Upper bounds, in seconds, of {@code llm_state_duration_seconds}: a loopback round trip to a stalled Redis. */
    static final double[] STATE_BUCKET_SECONDS = {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
            0.1, 0.25, 0.5, 1};
    private static final Duration[] STATE_BUCKETS = buckets(STATE_BUCKET_SECONDS);

    private final MeterRegistry registry;
    private final Predicate<String> catalogModel;
    private final ConcurrentHashMap<String, AtomicLong> active = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Timer> overheadTimers = new ConcurrentHashMap<>();
    private final AtomicLong stateFallback = new AtomicLong();
    // Built at the first state call, so a replica without LLM_STATE_URL exposes no state histogram;
    // getOrCreate answers the same meter to two threads racing here.
    private volatile Timer stateDuration;
    private final ConcurrentHashMap<String, Object> meters = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<ModelEntry, ModelMeters> modelMeters = new ConcurrentHashMap<>();
    // By principal, then model: found without building a key, on every priced call.
    private final ConcurrentHashMap<String, ConcurrentHashMap<String, io.micrometer.core.instrument.Counter>>
            costCounters = new ConcurrentHashMap<>();
    private final SourceAgentLabels sourceAgents = new SourceAgentLabels(SourceAgentLabels.DEFAULT_CAP);
    // Micrometer holds a function counter's state object weakly: one held nowhere else (a lambda) is
    // collected at some GC and its counter freezes at the last value read. Kept here, for this life.
    private final List<Object> countedStates = new CopyOnWriteArrayList<>();

    /** {@code catalogModel} says whether a model id is in the catalog; others are labelled {@code other}. */
    public HelidonMetrics(MeterRegistry registry, Predicate<String> catalogModel) {
        this.registry = Objects.requireNonNull(registry, "registry");
        this.catalogModel = Objects.requireNonNull(catalogModel, "catalogModel");
    }

    @Override
    public void started(ModelEntry model) {
        guarded(() -> activeRequests(model).incrementAndGet());
    }

    @Override
    public void firstToken(ModelEntry model, Duration timeToFirstToken) {
        guarded(() -> meters(model).firstToken().record(timeToFirstToken));
    }

    @Override
    public void succeeded(ModelEntry model, Duration latency, Usage usage) {
        guarded(() -> {
            ModelMeters meters = meters(model);
            ended(model, latency, meters.successes(), meters);
            meters.promptTokens().increment(usage.promptTokens());
            meters.completionTokens().increment(usage.completionTokens());
        });
    }

    @Override
    public void failed(ModelEntry model, Duration latency, String errorType) {
        guarded(() -> {
            ModelMeters meters = meters(model);
            ended(model, latency, meters.failures(), meters);
            meters.errors().computeIfAbsent(errorType, type -> counter("llm_errors",
                    providerModel(model, Tag.create("error_type", type)))).increment();
        });
    }

    @Override
    public void governanceViolation(String attemptedModel, String sourceAgent) {
        // Model label values are catalog ids, else "other", and agent names are capped: a caller
        // must not be able to create series at will by inventing names.
        guarded(() -> counter("llm_governance_violations", List.of(
                Tag.create("model", catalogModel.test(attemptedModel) ? attemptedModel : "other"),
                Tag.create("source_agent", sourceAgents.label(sourceAgent)))).increment());
    }

    @Override
    public void rateLimited(ProviderId provider) {
        guarded(() -> counter("llm_rate_limit_errors", List.of(Tag.create("provider", provider.value()))).increment());
    }

    @Override
    public void rateLimitRetryDelay(ProviderId provider, Duration delay) {
        guarded(() -> registry.getOrCreate(Timer.builder("llm_rate_limit_retry_delay").buckets(RETRY_DELAY_BUCKETS)
                .percentiles(new double[0]).tags(List.of(Tag.create("provider", provider.value())))).record(delay));
    }

    @Override
    public void retried(ProviderId provider, String reason) {
        guarded(() -> counter("llm_retries", List.of(Tag.create("provider", provider.value()),
                Tag.create("reason", reason))).increment());
    }

    @Override
    public void overhead(ProviderId provider, Duration overhead) {
        // Looked up once per provider: this runs on every request, and building a Timer builder to
        // find an existing meter showed up in the load benchmark's profile (see
        // docs/benchmarks/llm-performance.md, 'Fixed from the profile: metrics lookups').
        guarded(() -> overheadTimers.computeIfAbsent(provider.value(), key -> registry.getOrCreate(
                Timer.builder("llm_gateway_overhead").buckets(OVERHEAD_BUCKETS).percentiles(new double[0])
                        .tags(List.of(Tag.create("provider", key))))).record(overhead));
    }

    @Override
    public void charged(ModelEntry model, String principal, NanoUsd cost) {
        // Dollars are fractional and Helidon's counters count whole numbers: the Micrometer counter
        // underneath takes a double. Principal labels are configured ids, so they are bounded.
        guarded(() -> costCounters.computeIfAbsent(principal, key -> new ConcurrentHashMap<>())
                .computeIfAbsent(model.id(), key -> counter("llm_cost_usd",
                        providerModel(model, Tag.create("principal", principal)))
                        .unwrap(io.micrometer.core.instrument.Counter.class))
                .increment(cost.usdApproximately()));
    }

    @Override
    public void quotaRejected(String principal, String limit) {
        guarded(() -> counter("llm_quota_rejections", List.of(Tag.create("principal", principal),
                Tag.create("limit", limit))).increment());
    }

    @Override
    public void stateCall(String operation, Duration took, boolean failed) {
        // On every request (admit, settle): the meters are found once, not built per call.
        guarded(() -> {
            Timer timer = stateDuration;
            if (timer == null) {
                timer = registry.getOrCreate(Timer.builder("llm_state_duration").buckets(STATE_BUCKETS)
                        .percentiles(new double[0]));
                stateDuration = timer;
            }
            timer.record(took);
            if (failed) {
                counter("llm_state_errors", List.of(Tag.create("operation", operation))).increment();
            }
        });
    }

    @Override
    public void stateFallback(boolean active) {
        stateFallback.set(active ? 1 : 0);
    }

    /**
     * Exposes {@code llm_state_fallback_active}: 1 while this replica counts limits in its own memory
     * because the shared state failed open, else 0. Only with {@code LLM_STATE_URL} set.
     */
    public void exposeStateFallback() {
        registry.getOrCreate(Gauge.builder("llm_state_fallback_active", stateFallback, AtomicLong::doubleValue)
                .description("1 while this replica counts limits alone because the shared state failed open"));
    }

    /**
     * Exposes {@code llm_state_settlements_waiting}: finished calls whose settlement waits to be
     * sent to the shared state (decision 40). Near its bound, Redis is slower than the traffic.
     */
    public void exposeSettlementsWaiting(IntSupplier waiting) {
        registry.getOrCreate(Gauge.builder("llm_state_settlements_waiting", waiting, IntSupplier::getAsInt)
                .description("Finished calls whose settlement waits to be sent to the shared state"));
    }

    /** A policy reload was {@code applied} or {@code rejected}: {@code llm_config_reloads_total}. */
    public void configReload(String result) {
        guarded(() -> counter("llm_config_reloads", List.of(Tag.create("result", result))).increment());
    }

    /**
     * Exposes {@code llm_budget_spent_usd} and {@code llm_budget_limit_usd} of every key and team
     * with a budget in the current policy; call again after a reload (known series stay). The values
     * are read at each scrape from the quota state, for the current period.
     */
    public void exposeBudgets(Governance governance) {
        for (LimitedParty party : governance.policy().budgetedParties()) {
            String id = party.kind() + ":" + party.id();
            meters.computeIfAbsent("budget\u0000" + id, key -> {
                List<Tag> tags = List.of(Tag.create("principal", party.id()));
                registry.getOrCreate(Gauge.builder("llm_budget_spent_usd", governance,
                        g -> budgetOf(g, id).map(spend -> spend.spent().usdApproximately()).orElse(0.0)).tags(tags));
                return registry.getOrCreate(Gauge.builder("llm_budget_limit_usd", governance,
                        g -> budgetOf(g, id).map(spend -> spend.limit().usdApproximately()).orElse(0.0)).tags(tags));
            });
        }
    }

    // The party as the current policy has it (a reload may have changed its budget), and its spend.
    private static Optional<Standing.Spend> budgetOf(Governance governance, String id) {
        return governance.policy().budgetedParties().stream()
                .filter(party -> (party.kind() + ":" + party.id()).equals(id)).findFirst()
                .flatMap(party -> governance.standings(List.of(party)).getFirst().budget());
    }

    /**
     * Exposes the audit trail's failed writes as {@code llm_audit_write_errors_total} (no labels).
     * Registered at start-up, so the series is there at 0 and {@code increase()} sees the first
     * failure; the count is the trail's own, read at each scrape.
     */
    public void countAuditWriteErrors(AuditTrailHealth audit) {
        functionalCounter("llm_audit_write_errors", audit, AuditTrailHealth::failures,
                "Audit trail entries that could not be written");
    }

    /**
     * Exposes {@code llm_trace_spans_dropped_total} (contract section 14): spans that never reached
     * the collector, because the exporter could not keep up or an export failed; read at each
     * scrape from {@code dropped}. Always exposed, at 0 while tracing is off, so an alert on it needs
     * no special case.
     */
    public void countDroppedSpans(LongSupplier dropped) {
        functionalCounter("llm_trace_spans_dropped", dropped, LongSupplier::getAsLong,
                "Trace spans dropped before reaching the collector (queue full or export failed)");
    }

    // A counter read from state at each scrape. The state is kept here too: Micrometer holds it weakly.
    private <T> void functionalCounter(String name, T state, Function<T, Long> count,
                                       String description) {
        countedStates.add(state);
        registry.getOrCreate(FunctionalCounter.builder(name, state, count).description(description));
    }

    /**
     * Exposes {@code llm_ready} (1 while the service accepts work, 0 from the start of a drain) and
     * {@code llm_process_start_time_seconds} (when this process started, epoch seconds), so that
     * alerts can see a replica that stays unready and a container that keeps restarting (a
     * listener that stops makes the process exit: docs/decisions.md, 'Slow and idle clients'); both
     * are read at each scrape.
     */
    public void exposeLifecycle(BooleanSupplier ready, Instant processStart) {
        registry.getOrCreate(Gauge.builder("llm_ready", ready, r -> r.getAsBoolean() ? 1.0 : 0.0)
                .description("1 while the service accepts work, 0 from the start of a drain (SIGTERM)"));
        long started = processStart.getEpochSecond();
        registry.getOrCreate(Gauge.builder("llm_process_start_time_seconds", () -> started)
                .description("When this process started, in seconds since the epoch"));
    }

    private void ended(ModelEntry model, Duration latency, Counter requests, ModelMeters meters) {
        activeRequests(model).decrementAndGet();
        requests.increment();
        meters.duration().record(latency);
    }

    // Every request records several meters of its model: found with one lookup by the model, not
    // by a key string built per meter (which was a few per cent of the allocation per request).
    private ModelMeters meters(ModelEntry model) {
        return modelMeters.computeIfAbsent(model, entry -> new ModelMeters(
                counter("llm_requests", providerModel(entry, Tag.create("status", "success"))),
                counter("llm_requests", providerModel(entry, Tag.create("status", "error"))),
                counter("llm_tokens", providerModel(entry, Tag.create("token_type", "prompt"))),
                counter("llm_tokens", providerModel(entry, Tag.create("token_type", "completion"))),
                timer("llm_requests_duration", LATENCY_BUCKETS, entry),
                timer("llm_time_to_first_token", LATENCY_BUCKETS, entry),
                new ConcurrentHashMap<>()));
    }

    /** The meters of one model; its errors by type, which are a bounded set of names. */
    private record ModelMeters(Counter successes, Counter failures, Counter promptTokens, Counter completionTokens,
                               Timer duration, Timer firstToken, ConcurrentHashMap<String, Counter> errors) {
    }

    private AtomicLong activeRequests(ModelEntry model) {
        String provider = model.provider().value();
        return active.computeIfAbsent(provider, key -> {
            var count = new AtomicLong();
            registry.getOrCreate(Gauge.builder("llm_active_requests", count, AtomicLong::doubleValue)
                    .tags(List.of(Tag.create("provider", key)))
                    .description("Provider calls in flight"));
            return count;
        });
    }

    // Meters are looked up in a map of our own, keyed by name and label values: building a meter
    // builder to find an existing meter in the registry was a large share of the service's CPU per
    // request in the load benchmark's profile (see docs/benchmarks/llm-performance.md, 'Fixed from
    // the profile: metrics lookups'). Label values are bounded (catalog ids, capped
    // agent names), so the map is too.
    private Counter counter(String name, List<Tag> tags) {
        return (Counter) meters.computeIfAbsent(key(name, tags), key -> registry.getOrCreate(
                Counter.builder(name).tags(tags)));
    }

    private Timer timer(String name, Duration[] buckets, ModelEntry model) {
        // No client-side percentiles: they would add quantile samples to a histogram family, which
        // Prometheus's text format does not allow; quantiles come from the buckets.
        List<Tag> tags = providerModel(model);
        return (Timer) meters.computeIfAbsent(key(name, tags), key -> registry.getOrCreate(
                Timer.builder(name).buckets(buckets).percentiles(new double[0]).tags(tags)));
    }

    private static String key(String name, List<Tag> tags) {
        var key = new StringBuilder(name);
        for (Tag tag : tags) {
            key.append('\u0000').append(tag.key()).append('=').append(tag.value());
        }
        return key.toString();
    }

    private static List<Tag> providerModel(ModelEntry model, Tag... more) {
        var tags = new ArrayList<Tag>(List.of(Tag.create("provider", model.provider().value()),
                Tag.create("model", model.id())));
        tags.addAll(List.of(more));
        return tags;
    }

    private static void guarded(Runnable update) {
        try {
            update.run();
        } catch (RuntimeException e) {
            // The port promises never to throw: a metrics fault must not fail a request.
            LOG.warn("metrics update failed: {}", e.toString());
        }
    }

    private static Duration[] buckets(double... seconds) {
        var durations = new Duration[seconds.length];
        for (int i = 0; i < seconds.length; i++) {
            durations[i] = Duration.ofNanos(Math.round(seconds[i] * 1e9));
        }
        return durations;
    }
}
