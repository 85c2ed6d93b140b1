package io.llmclient.bench;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.service.PreparedRequest;
import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * Validation + governance + selection of one request ({@link LlmService#prepare}), the work the
 * service does before any provider is called: an explicit model, and a tier that selection resolves.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class PrepareBenchmark {
    private static final A2aContext HEADERS = A2aContext.ofTrace("bench-trace");
    private static final List<Map<String, Object>> MESSAGES = List.of(
            Map.of("role", "system", "content", "You are terse."),
            Map.of("role", "user", "content", "Hello!"));

    private final LlmService service;
    private final Map<String, Object> explicitModel = Map.of("model", "gpt-4.1-mini", "messages", MESSAGES,
            "temperature", 0.2, "max_tokens", 256, "source_agent", "planner", "session_id", "s-1");
    private final Map<String, Object> byTier = Map.of("tier", "fast", "messages", MESSAGES);

    public PrepareBenchmark() {
        var mini = new ModelEntry("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST, "gpt-4.1-mini-2025-04-14");
        var haiku = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC, ModelTier.FAST);
        var policy = new ModelPolicy(new ModelCatalog(List.of(mini, haiku)),
                new AllowList(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")),
                Map.of(ModelTier.FAST, List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")), Map.of(),
                List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), "gpt-4.1-mini");
        var registry = new ProviderRegistry(List.of(factory(ProviderId.OPENAI), factory(ProviderId.ANTHROPIC)),
                id -> null);
        service = LlmService.builder().policy(policy).registry(registry).metrics(MetricsPort.none())
                .audit(violation -> { }).requestLog(new QuietLog()).time(TimeSource.system()).build();
    }

    @Benchmark
    public PreparedRequest explicitModel() {
        return service.prepare(explicitModel, HEADERS);
    }

    @Benchmark
    public PreparedRequest tierSelection() {
        return service.prepare(byTier, HEADERS);
    }

    // The production log writes nothing at WARN for these lines either.
    private static final class QuietLog implements RequestLog {
        @Override
        public void selection(A2aContext context, String rationale) {
        }

        @Override
        public void completed(io.llmclient.application.telemetry.RequestRecord record) {
        }
    }

    // A provider that is never called: prepare only asks whether it is available.
    private static LlmProviderFactory factory(ProviderId id) {
        LlmProvider provider = new LlmProvider() {
            @Override
            public ProviderId id() {
                return id;
            }

            @Override
            public Availability availability() {
                return Availability.up();
            }

            @Override
            public ChatResponse complete(ChatRequest request, CallContext context) {
                throw new UnsupportedOperationException("not called by prepare");
            }

            @Override
            public void stream(ChatRequest request, CallContext context, StreamSink sink) {
                throw new UnsupportedOperationException("not called by prepare");
            }
        };
        return new LlmProviderFactory() {
            @Override
            public ProviderId id() {
                return id;
            }

            @Override
            public LlmProvider create(ProviderSettings settings) {
                return provider;
            }
        };
    }
}
