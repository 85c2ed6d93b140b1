package io.llmclient.inbound.support.testing;

import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The real service for fuzz targets, in process and without a server: the real domain and
 * application, a fake provider whose {@code complete} answers at once (or fails, or throws a
 * bug carrying {@link ModelScriptedProvider#SECRET}, by model).
 */
public final class FuzzedService {
    /** The models a fuzzer may name; the provider answers each differently. */
    public static final List<String> MODELS = List.of("ok-model", "fail-model", "busy-model", "buggy-model");
    /** A key-shaped secret the buggy model puts in its exception; no answer may carry it. */
    public static final String SECRET = ModelScriptedProvider.SECRET;

    private FuzzedService() {
    }

    public static LlmService create() {
        var fake = new ModelScriptedProvider(ModelScriptedProvider.FAKE, true);
        var catalog = new ModelCatalog(MODELS.stream().map(id -> ModelEntry.of(id, ModelScriptedProvider.FAKE, ModelTier.FAST))
                .toList());
        var policy = new ModelPolicy(catalog, new AllowList(MODELS), Map.of(ModelTier.FAST, List.of("ok-model")),
                Map.of(), List.of(ModelScriptedProvider.FAKE), "ok-model");
        var registry = new ProviderRegistry(List.of(ModelScriptedProvider.factory(fake)),
                id -> ProviderSettingsFixtures.builder(id).connectTimeout(Duration.ofSeconds(1))
                        .requestTimeout(Duration.ofSeconds(1)).build());
        return LlmService.builder().policy(policy).registry(registry).metrics(new RecordingMetrics())
                .audit(violation -> { }).requestLog(new RequestLog() {
                    @Override
                    public void selection(A2aContext context, String rationale) {
                    }

                    @Override
                    public void completed(RequestRecord record) {
                    }
                }).time(TimeSource.system()).build();
    }
}
