package io.llmclient.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.Availability;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.service.StartupPolicy.Result.Ready;
import io.llmclient.application.service.StartupPolicy.Result.Rejected;
import io.llmclient.application.testing.FakeProvider;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StartupPolicyTest {

    private static final String PREMIUM_NOTICE =
            "tier premium has no allowed model; requests for it will get ProviderUnavailableError";
    private static final String GHOST_NOTICE = "ALLOWED_MODELS names ghost, which is not in the model catalog; "
            + "requests for it will get ProviderUnavailableError";
    private static final ProviderId MISTRAL = new ProviderId("mistral");

    private static final List<ModelEntry> ENTRIES = List.of(
            ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST),
            ModelEntry.of("gpt-5-mini", ProviderId.OPENAI, ModelTier.BALANCED),
            ModelEntry.of("claude-sonnet-4", ProviderId.ANTHROPIC, ModelTier.PREMIUM),
            ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST),
            ModelEntry.of("sim-balanced", ProviderId.SIMULATOR, ModelTier.BALANCED),
            ModelEntry.of("sim-premium", ProviderId.SIMULATOR, ModelTier.PREMIUM));
    private static final Map<ModelTier, List<String>> TIERS = Map.of(
            ModelTier.FAST, List.of("gpt-4.1-mini"),
            ModelTier.BALANCED, List.of("gpt-5-mini"),
            ModelTier.PREMIUM, List.of("claude-sonnet-4"));

    private final Journal journal = new Journal();
    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI, journal::add);
    private final FakeProvider simulator = new FakeProvider(ProviderId.SIMULATOR, journal::add);
    private final ProviderRegistry registry = new ProviderRegistry(List.of(openai.factory(), simulator.factory()),
            id -> null);

    StartupPolicyTest() {
        openai.availability = Availability.down("no API key");
    }

    private static ModelPolicy configured(String defaultModel, List<ModelEntry> entries) {
        return new ModelPolicy(new ModelCatalog(entries), new AllowList(List.of("gpt-4.1-mini", "gpt-5-mini", "ghost")),
                TIERS, Map.of(), List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), defaultModel);
    }

    private static ModelPolicy configured(String defaultModel) {
        return configured(defaultModel, ENTRIES);
    }

    private Ready ready(StartupPolicy.Result result) {
        return assertInstanceOf(Ready.class, result, () -> "expected to start, got " + result);
    }

    @Test
    void aDefaultModelThatIsNotAllowedStopsStartUp() {
        var result = StartupPolicy.resolve(configured("claude-sonnet-4"), true, registry);
        assertEquals(new Rejected(List.of("LLM_DEFAULT_MODEL: 'claude-sonnet-4' must be one of ALLOWED_MODELS "
                + "[gpt-4.1-mini, gpt-5-mini, ghost, sim-fast, sim-balanced, sim-premium]")), result);
    }

    @Test
    void aCatalogProviderNoModuleRegistersStopsStartUp() {
        var entries = new ArrayList<>(ENTRIES);
        entries.add(ModelEntry.of("mistral-small", MISTRAL, ModelTier.FAST));
        var rejected = assertInstanceOf(Rejected.class,
                StartupPolicy.resolve(configured("gpt-4.1-mini", entries), false, registry));
        assertEquals(1, rejected.errors().size());
        assertTrue(rejected.errors().getFirst().startsWith(
                "llm.catalog.mistral-small.provider: provider 'mistral' does not exist"), rejected.errors().toString());
    }

    @Test
    void aCatalogProviderRegisteredByAModuleIsAccepted() {
        var entries = new ArrayList<>(ENTRIES);
        entries.add(ModelEntry.of("mistral-small", MISTRAL, ModelTier.FAST));
        var withMistral = new ProviderRegistry(List.of(new FakeProvider(MISTRAL, journal::add).factory()), id -> null);
        ready(StartupPolicy.resolve(configured("gpt-4.1-mini", entries), false, withMistral));
    }

    @Test
    void wellKnownProvidersNeedNoModuleToBeNamed() {
        var empty = new ProviderRegistry(List.of(), id -> null);
        ready(StartupPolicy.resolve(configured("gpt-4.1-mini"), false, empty));
    }

    @Test
    void withTheSimulatorOffTheConfiguredPolicyRunsAsIs() {
        var configured = configured("gpt-4.1-mini");
        var ready = ready(StartupPolicy.resolve(configured, false, registry));
        assertSame(configured, ready.policy());
        assertFalse(ready.policy().allowList().allows("sim-fast"));
    }

    @Test
    void withTheSimulatorOnItsModelsAreAllowed() {
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini"), true, registry));
        assertEquals(List.of("gpt-4.1-mini", "gpt-5-mini", "ghost", "sim-fast", "sim-balanced", "sim-premium"),
                ready.policy().allowList().models());
        assertEquals(List.of("claude-sonnet-4", "sim-premium"), ready.policy().candidatesOf(ModelTier.PREMIUM));
    }

    @Test
    void withTheSimulatorOnAnUnavailableDefaultMovesToSimFastWithANotice() {
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini"), true, registry));
        assertEquals("sim-fast", ready.policy().defaultModel());
        assertEquals(List.of("default model gpt-4.1-mini is unavailable (provider openai: no API key); the default "
                + "is now sim-fast from the offline simulator", GHOST_NOTICE), ready.notices());
    }

    @Test
    void withTheSimulatorOnAnAvailableDefaultStays() {
        openai.availability = Availability.up();
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini"), true, registry));
        assertEquals("gpt-4.1-mini", ready.policy().defaultModel());
        assertEquals(List.of(GHOST_NOTICE), ready.notices());
    }

    @Test
    void withTheSimulatorOffAnUnavailableDefaultStays() {
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini"), false, registry));
        assertEquals("gpt-4.1-mini", ready.policy().defaultModel());
    }

    @Test
    void withTheSimulatorOnTheDefaultMayBeASimulatorModel() {
        var ready = ready(StartupPolicy.resolve(configured("sim-balanced"), true, registry));
        assertEquals("sim-balanced", ready.policy().defaultModel());
    }

    @Test
    void withTheSimulatorOffASimulatorDefaultIsNotAllowed() {
        assertInstanceOf(Rejected.class, StartupPolicy.resolve(configured("sim-fast"), false, registry));
    }

    @Test
    void aTierWithoutAllowedModelIsANoticeNotAnError() {
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini"), false, registry));
        assertEquals(List.of(PREMIUM_NOTICE, GHOST_NOTICE), ready.notices());
    }

    @Test
    void anAllowedDefaultMissingFromTheCatalogIsANotice() {
        var ready = ready(StartupPolicy.resolve(configured("ghost"), false, registry));
        assertEquals(List.of(PREMIUM_NOTICE, "LLM_DEFAULT_MODEL ghost is not in the model catalog; requests without "
                + "model, tier or complexity will get ProviderUnavailableError", GHOST_NOTICE), ready.notices());
    }

    @Test
    void anUnavailableDefaultMissingFromTheCatalogSaysSoWhenMoved() {
        var ready = ready(StartupPolicy.resolve(configured("ghost"), true, registry));
        assertEquals("sim-fast", ready.policy().defaultModel());
        assertEquals("default model ghost is unavailable (not in the catalog); the default is now sim-fast from the "
                + "offline simulator", ready.notices().getFirst());
    }

    @Test
    void withoutSimulatorModelsInTheCatalogTheDefaultStays() {
        var noSim = ENTRIES.stream().filter(entry -> !entry.provider().equals(ProviderId.SIMULATOR)).toList();
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini", noSim), true, registry));
        assertEquals("gpt-4.1-mini", ready.policy().defaultModel());
        assertEquals(List.of(PREMIUM_NOTICE, GHOST_NOTICE), ready.notices());
    }

    @Test
    void theDefaultMovesToTheSimulatorsFastModelWhateverTheCatalogOrder() {
        var reversed = new ArrayList<>(ENTRIES);
        Collections.reverse(reversed);
        var ready = ready(StartupPolicy.resolve(configured("gpt-4.1-mini", reversed), true, registry));
        assertEquals("sim-fast", ready.policy().defaultModel());
    }
}
