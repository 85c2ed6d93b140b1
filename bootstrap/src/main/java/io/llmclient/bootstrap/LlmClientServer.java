package io.llmclient.bootstrap;

import io.helidon.config.Config;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsConfig;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.observe.ObserveFeature;
import io.helidon.webserver.observe.metrics.MetricsObserver;
import io.llmclient.application.governance.Governance;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.resilience.ResilienceSettings;
import io.llmclient.application.resilience.ResilientCalls;
import io.llmclient.application.resilience.RetryPolicy;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.service.StartupPolicy;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.bootstrap.config.ConfigLayers;
import io.llmclient.bootstrap.config.GovernanceReader;
import io.llmclient.bootstrap.config.InvalidConfigException;
import io.llmclient.bootstrap.config.SecretScrubber;
import io.llmclient.bootstrap.config.ServiceConfig;
import io.llmclient.bootstrap.config.ServiceConfigReader;
import io.llmclient.bootstrap.config.StartupSecrets;
import io.llmclient.bootstrap.config.TracingReader;
import io.llmclient.bootstrap.health.HealthEndpoint;
import io.llmclient.bootstrap.lifecycle.Drain;
import io.llmclient.bootstrap.lifecycle.ListenerProbe;
import io.llmclient.bootstrap.logging.Log4jRequestLog;
import io.llmclient.bootstrap.reload.PolicyReload;
import io.llmclient.bootstrap.reload.PolicyReloader;
import io.llmclient.bootstrap.state.SharedStateWiring;
import io.llmclient.bootstrap.telemetry.AuditTrailHealth;
import io.llmclient.bootstrap.telemetry.HelidonMetrics;
import io.llmclient.bootstrap.telemetry.JsonLinesAuditLog;
import io.llmclient.bootstrap.telemetry.RegistryMetricsReader;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.validation.RequestLimits;
import io.llmclient.domain.validation.Validated;
import io.llmclient.inbound.anthropic.AnthropicMessagesEndpoint;
import io.llmclient.inbound.anthropic.AnthropicRefusals;
import io.llmclient.inbound.openai.OpenAiCompatibleEndpoint;
import io.llmclient.inbound.openai.OpenAiRefusals;
import io.llmclient.inbound.support.InboundFilters;
import io.llmclient.inbound.support.admission.InFlightLimitFilter;
import io.llmclient.inbound.support.body.BodyBudget;
import io.llmclient.inbound.support.disconnect.ClientDisconnects;
import io.llmclient.inbound.support.drain.Readiness;
import io.llmclient.inbound.support.drain.ReadyEndpoint;
import io.llmclient.inbound.support.http10.Http10Selector;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.limit.RequestReadDeadline;
import io.llmclient.inbound.support.refusal.RefusalShape;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import io.llmclient.inbound.support.sse.OpenStreams;
import io.llmclient.jsonrpc.JsonRpcEndpoint;
import io.llmclient.jsonrpc.protocol.JsonRpcRefusals;
import io.llmclient.telemetry.otel.OtelTraces;
import io.llmclient.telemetry.otel.TraceSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceLoader;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * Wires the service together and starts it: configuration, provider discovery, the start-up
 * policy, {@link LlmService}, and the Helidon WebServer (virtual threads) with
 * {@code POST /jsonrpc}, {@code GET /health} and {@code GET /metrics}. {@link Main} calls it with
 * the real environment; tests call it with their own.
 */
public final class LlmClientServer {
    private static final Logger LOG = LogManager.getLogger(LlmClientServer.class);

    private LlmClientServer() {
    }

    /** Starts with every provider module on the class path. */
    public static RunningServer start(Map<String, String> environment, Path workingDir) {
        return start(environment, workingDir, Timing.system());
    }

    /** Starts with every provider module on the class path and the given clock, sleeper and randomness. */
    public static RunningServer start(Map<String, String> environment, Path workingDir, Timing timing) {
        List<LlmProviderFactory> factories = ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get).toList();
        return start(environment, workingDir, factories, timing);
    }

    /**
     * Starts with the given provider modules.
     *
     * @throws StartupFailure when the configuration or the model policy is refused
     */
    public static RunningServer start(Map<String, String> environment, Path workingDir,
                                      List<LlmProviderFactory> factories) {
        return start(environment, workingDir, factories, Timing.system());
    }

    /**
     * Starts with the given provider modules, clock, sleeper and randomness.
     *
     * @throws StartupFailure when the configuration or the model policy is refused
     */
    public static RunningServer start(Map<String, String> environment, Path workingDir,
                                      List<LlmProviderFactory> factories, Timing timing) {
        // Each provider module names its own keys (its description); bootstrap knows none by name.
        List<ProviderDescription> providers = factories.stream().map(LlmProviderFactory::description).toList();
        // Everything start-up prints goes through this: a key pasted into another setting (the
        // default model, a URL's query) must not come out whole (contract section 9).
        SecretScrubber secrets = StartupSecrets.scrubber(environment, workingDir, providers);
        // Read before the layers, so that a change made while starting is seen as one.
        PolicyReloader.Baseline policyFile = PolicyReloader.baseline(environment, workingDir);
        Config layers = loadLayers(environment, workingDir, secrets);
        ServiceConfig config = readConfig(layers, workingDir, providers, secrets);
        Optional<TraceSettings> tracing = readTracing(layers, secrets);
        ResilienceSettings resilience = resilience(config);
        // One registry per started server, so that servers started side by side (tests) keep
        // their own series; Helidon warns about a second registry unless told it is meant. Made
        // before the providers, because the shared state (which reports to it) guards them too.
        MeterRegistry meters = MeterRegistry.create(MetricsConfig.builder().warnOnMultipleRegistries(false).build());
        var metrics = new HelidonMetrics(meters, config.modelPolicy().catalog()::contains);
        SharedStateWiring state = openState(config, timing, metrics, providers, meters);
        // Tracing on only with an endpoint: without one no SDK, no exporter thread (contract section 13).
        Optional<OtelTraces> traces = tracing.map(OtelTraces::start);
        metrics.countDroppedSpans(() -> traces.map(OtelTraces::droppedSpans).orElse(0L));
        tracing.ifPresent(settings -> LOG.info("traces go to {} over OTLP/HTTP (sampler {}{})",
                secrets.mask(settings.endpoint().toString()), settings.sampler(),
                settings.captureContent() ? "; prompt and answer text included" : ""));
        try {
            return serve(environment, workingDir, factories, timing, secrets, policyFile, layers, config, resilience,
                    meters, metrics, state, traces);
        } catch (RuntimeException startupFailed) {
            // A refused policy or an unusable audit file: nothing started may outlive the failure.
            traces.ifPresent(OtelTraces::close);
            state.close();
            meters.close();
            throw startupFailed;
        }
    }

    private static RunningServer serve(Map<String, String> environment, Path workingDir,
                                       List<LlmProviderFactory> factories, Timing timing, SecretScrubber secrets,
                                       PolicyReloader.Baseline policyFile, Config layers, ServiceConfig config,
                                       ResilienceSettings resilience, MeterRegistry meters, HelidonMetrics metrics,
                                       SharedStateWiring state, Optional<OtelTraces> traces) {
        List<ProviderDescription> providers = factories.stream().map(LlmProviderFactory::description).toList();
        // The circuit breakers guard the registry, so an open circuit shows in /health, llm.models
        // and selection through the one availability answer; with LLM_STATE_URL every replica's.
        var guards = new ProviderGuards(resilience, timing.time(), timing.sleeper(), state.providerHealth());
        // One budget for the upstream answers of every provider (LLM_RESPONSE_BUFFER_BYTES; see
        // docs/decisions.md, 'Upstream answers share one byte budget').
        var responseBudget = new ResponseBudget(config.protection().responseBufferBytes());
        ProviderRegistry registry = new ProviderRegistry(factories,
                id -> config.providerSettings(id).sharing(responseBudget), guards::availability);
        ModelPolicy policy = switch (StartupPolicy.resolve(config.modelPolicy(), config.offlineFallback(),
                registry)) {
            case StartupPolicy.Result.Rejected rejected ->
                    throw new StartupFailure(secrets.mask(rejected.errors().getFirst()));
            case StartupPolicy.Result.Ready ready -> {
                ready.notices().stream().map(secrets::mask).forEach(LOG::warn);
                yield ready.policy();
            }
        };
        GovernancePolicy perCaller = readGovernance(layers, policy, config, secrets);
        LOG.info(secrets.mask("simulator %s; providers registered: %s".formatted(
                config.offlineFallback() ? "enabled" : "disabled", registry.ids())));
        warnAboutPlainHttp(config, secrets);

        JsonLinesAuditLog audit = openAudit(config.auditLogFile(), secrets);
        metrics.countAuditWriteErrors(audit.health());
        var calls = new ResilientCalls(new RetryPolicy(resilience, timing.random()), policy, registry, guards, metrics,
                timing.sleeper());
        var service = LlmService.builder().policy(policy).registry(registry).metrics(metrics).audit(audit)
                .requestLog(new Log4jRequestLog()).time(timing.time()).calls(calls)
                .tracing(traces.map(OtelTraces::tracing).orElse(TracingPort.none()))
                .limits(new RequestLimits(config.limits().maxMessages()))
                .governance(port -> new Governance(perCaller, state.quotaState(), timing.time(), port))
                .build();
        metrics.exposeBudgets(service.governance());

        var healthChecks = new LinkedHashSet<ProviderId>(policy.catalog().providers());
        healthChecks.addAll(registry.ids());
        ServiceConfig.Protection protection = config.protection();
        var readDeadline = new RequestReadDeadline(protection.requestReadTimeout());
        var refusals = surfaceRefusals();
        var inFlight = new InFlightLimitFilter(config.limits().maxConcurrentRequests(), refusals);
        var readiness = new Readiness();
        metrics.exposeLifecycle(() -> !readiness.draining(),
                ProcessHandle.current().info().startInstant().orElseGet(Instant::now));
        var openStreams = new OpenStreams();
        // LLM_MAX_HEADER_BYTES: larger request headers are refused before any route runs.
        Http1Config http1 = Http1Config.builder().maxHeadersSize(config.limits().maxHeaderBytes())
                .addReceiveListener(readDeadline)
                .build();
        WebServer server = WebServer.builder()
                .host(config.server().host())
                .port(config.server().port())
                // Below the descriptor limit (a stream holds two descriptors): past it Helidon stops
                // accepting and new connections wait in the backlog, instead of accept failing with
                // "Too many open files", which stops a Helidon 4.5 listener for good (see
                // docs/decisions.md, 'Slow and idle clients').
                .maxTcpConnections(protection.maxConnections())
                // Main's shutdown hook drains first; Helidon's own would close the port at SIGTERM.
                .shutdownHook(false)
                .idleConnectionTimeout(protection.idleConnectionTimeout())
                .idleConnectionPeriod(idleCheckPeriod(protection.idleConnectionTimeout()))
                // No Nagle: an SSE event (or a small answer) written after the headers would
                // otherwise wait for the client's delayed ACK (about 40 ms on Linux) before it leaves
                // (see docs/benchmarks/llm-performance.md, 'Fixed on the way: Nagle's algorithm').
                .connectionOptions(socket -> socket.tcpNoDelay(true))
                // Plain sockets, not Helidon 4.5's NIO channels: one 8 KiB buffer per connection
                // instead of two, and faster on this path (see docs/decisions.md, 'What a held
                // stream keeps: plain server sockets, a 1 KiB event-stream read').
                .useNio(false)
                // Only what is added here: no feature or observer found on the class path by
                // itself may add endpoints (such as /observe/health) behind our back.
                .featuresDiscoverServices(false)
                .addProtocol(http1)
                // HTTP/1.0 (nginx's default proxy_pass), which Helidon 4.5 closes unanswered, served
                // through the same HTTP/1 connection and routes (docs/decisions.md).
                .addConnectionSelector(new Http10Selector(http1))
                .addFeature(ObserveFeature.just(MetricsObserver.builder()
                        .endpoint("/metrics")
                        .meterRegistry(meters)
                        .build()))
                .routing(routing -> routes(routing, config, service, traces, new RegistryMetricsReader(meters),
                        new HealthEndpoint(new ArrayList<>(healthChecks), registry::availability, List.of(
                                new HealthEndpoint.Part(AuditTrailHealth.CHECK, audit.health()::availability),
                                new HealthEndpoint.Part(SharedStateWiring.CHECK, state::availability))),
                        Instant.now(),
                        new InboundProtection(refusals, readiness, readDeadline,
                                new BodyBudget(protection.bodyBufferBytes()), inFlight, openStreams,
                                ClientDisconnects.fromProc())))
                .build()
                .start();
        LOG.info("at most {} client connections; a request must arrive within {} of its first line",
                protection.maxConnections(), protection.requestReadTimeout());
        LOG.info("listening on port {}", server.port());
        ListenerProbe listenerProbe = probe(config.server().host(), server);
        // Prices, teams and keys follow LLM_CONFIG_FILE without a restart (contract sections 10, 14).
        PolicyReloader reloader = PolicyReloader.start(policyFile, new PolicyReload(environment, workingDir,
                providers, layers, config, policy, service.governance(), metrics, secrets));
        return new Started(server, service, guards, audit, meters, listenerProbe,
                new Drain(readiness, inFlight, openStreams, protection.shutdownGrace()), reloader, state, traces);
    }

    // LLM_STATE_URL: Redis shared by the replicas, or in process (contract section 11).
    private static SharedStateWiring openState(ServiceConfig config, Timing timing, HelidonMetrics metrics,
                                               List<ProviderDescription> providers, MeterRegistry meters) {
        ServiceConfig.SharedState settings = config.state();
        try {
            SharedStateWiring state = SharedStateWiring.open(settings, probeLease(config), circuitMemory(config),
                    timing.time(), timing.sleeper(), metrics, providers.stream().map(ProviderDescription::id).toList());
            state.link().ifPresent(link -> metrics.exposeStateFallback());
            state.settlementsWaiting().ifPresent(metrics::exposeSettlementsWaiting);
            settings.url().ifPresent(url -> LOG.info("limits, spend and provider health are shared through Redis "
                    + "(prefix {}, timeout {} ms, failure mode {})", settings.prefix(), settings.timeout().toMillis(),
                    settings.failureMode().wireName()));
            return state;
        } catch (IllegalArgumentException unusable) {
            meters.close();
            // The reason names the expected form, never the URL (it may hold a password).
            throw new StartupFailure(ServiceConfigReader.STATE_URL + ": " + unusable.getMessage());
        }
    }

    // How long one probe call may take, retries included, before another replica may probe.
    private static Duration probeLease(ServiceConfig config) {
        ServiceConfig.RetrySettings retry = config.retry();
        Duration requestTimeout = config.limits().streamWriteLimit();
        return requestTimeout.multipliedBy(retry.maxRetries() + 1L).plus(retry.maxDelay().multipliedBy(retry.maxRetries()));
    }

    // How long Redis remembers a circuit after its open time: then a circuit nobody probed counts as closed.
    private static Duration circuitMemory(ServiceConfig config) {
        Duration tenOpenTimes = config.circuit().openFor().multipliedBy(10);
        return tenOpenTimes.compareTo(Duration.ofMinutes(10)) > 0 ? tenOpenTimes : Duration.ofMinutes(10);
    }

    private static ListenerProbe probe(String host, WebServer server) {
        try {
            return ListenerProbe.start(host, server.port());
        } catch (IOException unresolvable) {
            server.stop();
            throw new StartupFailure(InvalidConfigException.of("SERVER_HOST", "must be a host name or address",
                    host).getMessage());
        }
    }

    /** Helidon looks for idle connections this often; a connection is closed at most this late. */
    private static Duration idleCheckPeriod(Duration idleTimeout) {
        Duration quarter = idleTimeout.dividedBy(4);
        return quarter.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1)
                : quarter.compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15) : quarter;
    }

    /** What the inbound filters share with the server they run in. */
    private record InboundProtection(SurfaceRefusals refusals, Readiness readiness, RequestReadDeadline readDeadline,
                                     BodyBudget bodyBudget, InFlightLimitFilter inFlight, OpenStreams openStreams,
                                     ClientDisconnects disconnects) {
    }

    /**
     * Each surface's shape for the refusals the shared filters make: JSON-RPC's at its one path,
     * Anthropic's at its two, OpenAI's everywhere else, unknown routes included (contract section 14).
     * A new surface adds its paths here.
     */
    private static SurfaceRefusals surfaceRefusals() {
        var byPath = new HashMap<String, RefusalShape>();
        byPath.put(JsonRpcRefusals.PATH, new JsonRpcRefusals());
        AnthropicRefusals anthropic = new AnthropicRefusals();
        AnthropicRefusals.PATHS.forEach(path -> byPath.put(path, anthropic));
        return new SurfaceRefusals(byPath, new OpenAiRefusals());
    }

    private static ResilienceSettings resilience(ServiceConfig config) {
        ServiceConfig.RetrySettings retry = config.retry();
        return new ResilienceSettings(retry.maxRetries(), retry.rateLimitMaxRetries(), retry.initialDelay(),
                retry.exponentialBase(), retry.maxDelay(), config.rateLimit().queueSize(),
                config.circuit().failureThreshold(), config.circuit().openFor());
    }

    private static void routes(HttpRouting.Builder routing, ServiceConfig config, LlmService service,
                               Optional<OtelTraces> traces, RegistryMetricsReader metrics, HealthEndpoint health,
                               Instant serviceStart, InboundProtection protection) {
        // Before every other filter: a refusal (401, 413, the in-flight limit) has its SERVER span too,
        // and the trace id the others generate is the span's.
        traces.ifPresent(on -> routing.addFilter(on.serverSpans()));
        InboundFilters.install(routing, protection.refusals(), protection.readiness(), service.governance(),
                config.limits().maxRequestBytes(), protection.bodyBudget(), protection.readDeadline(),
                protection.inFlight());
        var limits = new InboundLimits(config.limits().maxRequestBytes(), config.limits().streamWriteLimit(),
                config.protection().sseKeepAlive());
        routing.register(new JsonRpcEndpoint(service, limits, metrics, protection.openStreams(),
                        protection.disconnects()))
                // Before the OpenAI surface, whose catch-all answers every other /v1 path.
                .register(new AnthropicMessagesEndpoint(service, limits, protection.openStreams(),
                        protection.disconnects()))
                .register(new OpenAiCompatibleEndpoint(service, limits, serviceStart, Clock.systemUTC(),
                        protection.openStreams(), protection.disconnects()))
                .register(health)
                .register(new ReadyEndpoint(protection.readiness()));
    }

    /** A plain http base URL is allowed (loopback, or LLM_ALLOW_INSECURE_HTTP) but never silently. */
    private static void warnAboutPlainHttp(ServiceConfig config, SecretScrubber secrets) {
        config.providers().values().stream()
                .filter(settings -> settings.baseUrl().filter(url -> "http".equalsIgnoreCase(url.getScheme())).isPresent())
                .forEach(settings -> LOG.warn(secrets.mask(("provider %s uses plain http (%s): its requests and "
                        + "API key travel unencrypted").formatted(settings.id(), settings.baseUrl().orElseThrow()))));
    }

    private static Config loadLayers(Map<String, String> environment, Path workingDir, SecretScrubber secrets) {
        try {
            return ConfigLayers.load(environment, workingDir);
        } catch (InvalidConfigException e) {
            throw new StartupFailure(secrets.scrub(e).getMessage());
        } catch (UncheckedIOException e) {
            throw new StartupFailure(".env: cannot be read");
        }
    }

    private static Optional<TraceSettings> readTracing(Config layers, SecretScrubber secrets) {
        try {
            return TracingReader.read(layers);
        } catch (InvalidConfigException e) {
            throw new StartupFailure(secrets.scrub(e).getMessage());
        }
    }

    private static ServiceConfig readConfig(Config layers, Path workingDir, List<ProviderDescription> providers,
                                            SecretScrubber secrets) {
        try {
            return ServiceConfigReader.read(layers, workingDir, providers);
        } catch (InvalidConfigException e) {
            throw new StartupFailure(secrets.scrub(e).getMessage());
        }
    }

    // Keys, teams and prices (contract section 10): every problem is one line of the refusal.
    private static GovernancePolicy readGovernance(Config layers, ModelPolicy policy, ServiceConfig config,
                                                   SecretScrubber secrets) {
        List<String> inboundKeys = config.inboundAuth().keys().stream().map(ApiKey::value).toList();
        return switch (GovernanceReader.read(layers, policy.catalog(), policy.allowList(), inboundKeys)) {
            case Validated.Valid<GovernancePolicy> valid -> {
                if (!valid.value().budgetedParties().isEmpty() && config.state().url().isEmpty()) {
                    LOG.warn("budgets are configured but spend is kept in memory: it starts from zero after a "
                            + "restart, and each replica counts its own (set LLM_STATE_URL to share it)");
                }
                yield valid.value();
            }
            case Validated.Invalid<GovernancePolicy> invalid -> throw new StartupFailure(String.join("\n",
                    GovernanceReader.lines(invalid.errors()).stream().map(secrets::mask).toList()));
        };
    }

    private static JsonLinesAuditLog openAudit(Path file, SecretScrubber secrets) {
        try {
            return JsonLinesAuditLog.open(file);
        } catch (UncheckedIOException e) {
            throw new StartupFailure(secrets.scrub(InvalidConfigException.of("LLM_AUDIT_LOG_FILE",
                    "must be a file that can be created and appended to", file.toString())).getMessage());
        }
    }

    private record Started(WebServer server, LlmService service, ProviderGuards guards, JsonLinesAuditLog audit,
                           MeterRegistry meters, ListenerProbe listenerProbe, Drain draining,
                           PolicyReloader reloader, SharedStateWiring state, Optional<OtelTraces> traces,
                           AtomicBoolean stopped)
            implements RunningServer {
        Started(WebServer server, LlmService service, ProviderGuards guards, JsonLinesAuditLog audit,
                MeterRegistry meters, ListenerProbe listenerProbe, Drain draining, PolicyReloader reloader,
                SharedStateWiring state, Optional<OtelTraces> traces) {
            this(server, service, guards, audit, meters, listenerProbe, draining, reloader, state, traces,
                    new AtomicBoolean());
        }

        @Override
        public boolean drain() {
            return draining.run();
        }

        @Override
        public CompletionStage<Void> listenerLost() {
            return listenerProbe.lost();
        }

        @Override
        public int port() {
            return server.port();
        }

        @Override
        public void stop() {
            if (stopped.compareAndSet(false, true)) {
                reloader.close();
                listenerProbe.stopping();
                server.stop();
                // After the server: the last requests' settlements still reach Redis.
                state.close();
                // After the server: the last requests' spans are exported (bounded wait).
                traces.ifPresent(OtelTraces::close);
                audit.close();
                // Helidon's registries share one Prometheus registry underneath: closing removes this
                // server's meters, so a server started later in the same JVM (tests) starts from zero.
                meters.close();
                LOG.info("stopped");
            }
        }
    }
}
