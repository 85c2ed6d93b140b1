package io.llmclient.inbound.surfaces;

import io.helidon.webserver.WebServer;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.telemetry.MetricsSnapshot;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.GovernanceViolation;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.inbound.anthropic.AnthropicMessagesEndpoint;
import io.llmclient.inbound.anthropic.AnthropicRefusals;
import io.llmclient.inbound.openai.OpenAiCompatibleEndpoint;
import io.llmclient.inbound.openai.OpenAiRefusals;
import io.llmclient.inbound.support.TraceIdFilter;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import io.llmclient.inbound.support.testing.RecordingMetrics;
import io.llmclient.jsonrpc.JsonRpcEndpoint;
import io.llmclient.jsonrpc.protocol.JsonRpcRefusals;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real Helidon server on a free port with the endpoint and the trace filter, built on the real
 * domain and application classes; only the providers are fakes.
 */
final class TestServer implements AutoCloseable {
    static final long MAX_BYTES = 64 * 1024;
    /** The service's start, every model's {@code created}. */
    static final Instant STARTED = Instant.parse("2025-01-01T00:00:00Z");
    /** The clock of the OpenAI surface: each completion's {@code created}. */
    static final Instant NOW = Instant.parse("2025-01-02T00:00:00Z");
    static final List<String> ALLOWED = List.of("ok-model", "fail-model", "refused-model", "slow-model",
            "limited-model", "limited-unknown-model", "busy-model", "full-buffer-model", "buggy-model", "stall-model",
            "midfail-model", "midbug-model", "drip-model", "flood-model", "ttft-model", "opening-model", "openfail-model",
            "tool-model", "signed-tool-model", "hold-model", "latefail-model",
            "down-model");

    final ModelScriptedProvider fake = new ModelScriptedProvider(ModelScriptedProvider.FAKE, true);
    final ModelScriptedProvider down = new ModelScriptedProvider(ModelScriptedProvider.DOWN, false);
    final List<GovernanceViolation> audited = new CopyOnWriteArrayList<>();
    final RecordingMetrics metrics = new RecordingMetrics();
    /** What {@code llm.metrics} reads; a test sets it. */
    final AtomicReference<MetricsSnapshot> snapshot = new AtomicReference<>(new MetricsSnapshot(List.of()));
    final WebServer server;

    TestServer() {
        this(new InboundLimits(MAX_BYTES));
    }

    TestServer(InboundLimits limits) {
        var entries = new java.util.ArrayList<ModelEntry>();
        entries.add(new ModelEntry("ok-model", ModelScriptedProvider.FAKE, ModelTier.FAST, "ok-model-2025-01-01"));
        ALLOWED.stream().filter(id -> !id.equals("ok-model") && !id.equals("down-model"))
                .forEach(id -> entries.add(ModelEntry.of(id, ModelScriptedProvider.FAKE, ModelTier.FAST)));
        entries.add(ModelEntry.of("down-model", ModelScriptedProvider.DOWN, ModelTier.BALANCED));
        entries.add(ModelEntry.of("forbidden-model", ModelScriptedProvider.FAKE, ModelTier.PREMIUM));
        var policy = new ModelPolicy(new ModelCatalog(entries), new AllowList(ALLOWED),
                Map.of(ModelTier.FAST, List.of("ok-model"), ModelTier.BALANCED, List.of("down-model"),
                        ModelTier.PREMIUM, List.of("forbidden-model")),
                Map.of(), List.of(ModelScriptedProvider.FAKE), "ok-model");
        var registry = new ProviderRegistry(List.of(ModelScriptedProvider.factory(fake), ModelScriptedProvider.factory(down)),
                id -> ProviderSettingsFixtures.builder(id).connectTimeout(Duration.ofSeconds(1))
                        .requestTimeout(Duration.ofSeconds(1)).build());
        var service = LlmService.builder().policy(policy).registry(registry).metrics(metrics).audit(audited::add)
                .requestLog(new QuietLog()).time(new FrozenTime()).build();
        var endpoint = new JsonRpcEndpoint(service, limits, snapshot::get);
        var openAi = new OpenAiCompatibleEndpoint(service, limits, STARTED, Clock.fixed(NOW, ZoneOffset.UTC));
        server = WebServer.builder()
                .port(0)
                .host("127.0.0.1")
                .routing(routing -> routing
                        .addFilter(new TraceIdFilter())
                        .addFilter(bodyFilter(limits.maxRequestBytes()))
                        .register(endpoint)
                        .register(new AnthropicMessagesEndpoint(service, limits))
                        .register(openAi)
                        .get("/other", (req, res) -> res.send("other")))
                .build()
                .start();
    }

    /**
     * Each surface's refusal shape by path, as bootstrap maps them: JSON-RPC's at its path, Anthropic's
     * at its two, OpenAI's elsewhere.
     */
    static SurfaceRefusals refusals() {
        var anthropic = new AnthropicRefusals();
        return new SurfaceRefusals(Map.of(JsonRpcRefusals.PATH, new JsonRpcRefusals(),
                AnthropicMessagesEndpoint.MESSAGES, anthropic, AnthropicMessagesEndpoint.COUNT_TOKENS, anthropic),
                new OpenAiRefusals());
    }

    /** The body filter the service puts in front of every surface, with a body budget far from reach. */
    static io.llmclient.inbound.support.admission.RequestBodyFilter bodyFilter(long maxRequestBytes) {
        var refusals = refusals();
        return new io.llmclient.inbound.support.admission.RequestBodyFilter(new io.llmclient.inbound.support.admission.RequestBody(
                maxRequestBytes, new io.llmclient.inbound.support.body.BodyBudget(Long.MAX_VALUE), refusals),
                new io.llmclient.inbound.support.limit.RequestReadDeadline(Duration.ofSeconds(30)), refusals);
    }

    int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.stop();
    }

    /** Latency is measured with this clock: always zero, so result bodies compare exactly. */
    static final class FrozenTime implements TimeSource {
        @Override
        public Instant now() {
            return Instant.parse("2025-01-01T00:00:00Z");
        }

        @Override
        public long nanoTime() {
            return 0;
        }
    }

    static final class QuietLog implements RequestLog {
        @Override
        public void selection(A2aContext context, String rationale) {
        }

        @Override
        public void completed(RequestRecord record) {
        }
    }
}
