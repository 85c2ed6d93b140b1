package io.llmclient.domain.selection;

import static io.llmclient.domain.selection.PolicyFixture.ALLOWED;
import static io.llmclient.domain.selection.PolicyFixture.CATALOG;
import static io.llmclient.domain.selection.PolicyFixture.PREFERENCE;
import static io.llmclient.domain.selection.PolicyFixture.TIERS;
import static io.llmclient.domain.selection.PolicyFixture.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ModelPolicyTest {

    private static final Set<ProviderId> KNOWN = ProviderId.WELL_KNOWN;

    @Test
    void aConsistentPolicyHasNoStartupErrors() {
        assertEquals(List.of(), policy().startupErrors(KNOWN));
    }

    @Test
    void aDefaultModelThatIsNotAllowedIsAStartupError() {
        var policy = policy().withDefaultModel("gpt-4");
        assertEquals(List.of("LLM_DEFAULT_MODEL: 'gpt-4' must be one of ALLOWED_MODELS " + ALLOWED),
                policy.startupErrors(KNOWN));
    }

    @Test
    void aTierNamingAModelMissingFromTheCatalogIsAStartupError() {
        var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED),
                Map.of(ModelTier.BALANCED, List.of("gpt-5-mini", "gpt-9")), Map.of(), PREFERENCE, "gpt-4.1-mini");
        assertEquals(List.of("llm.tiers.balanced: model 'gpt-9' is not in the model catalog"),
                policy.startupErrors(KNOWN));
    }

    @Test
    void aCatalogNamingAnUnknownProviderIsAStartupError() {
        var catalog = new ModelCatalog(List.of(PolicyFixture.GPT_MINI,
                ModelEntry.of("mistral-small", new ProviderId("mistral"), ModelTier.FAST)));
        var policy = new ModelPolicy(catalog, new AllowList(List.of("gpt-4.1-mini")), Map.of(), Map.of(), PREFERENCE,
                "gpt-4.1-mini");
        var errors = policy.startupErrors(Set.of(ProviderId.OPENAI, ProviderId.SIMULATOR, ProviderId.ANTHROPIC));
        assertEquals(List.of("llm.catalog.mistral-small.provider: provider 'mistral' does not exist; "
                + "known providers: [anthropic, openai, simulator]"), errors);
    }

    @Test
    void aProviderRegisteredByAModuleIsKnown() {
        var catalog = new ModelCatalog(List.of(ModelEntry.of("mistral-small", new ProviderId("mistral"),
                ModelTier.FAST)));
        var policy = new ModelPolicy(catalog, new AllowList(List.of("mistral-small")), Map.of(), Map.of(), PREFERENCE,
                "mistral-small");
        assertEquals(List.of(), policy.startupErrors(Set.of(new ProviderId("mistral"))));
    }

    @Test
    void everyStartupErrorIsListedInTierOrder() {
        var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), Map.of(
                ModelTier.PREMIUM, List.of("p-missing"),
                ModelTier.FAST, List.of("f-missing"),
                ModelTier.BALANCED, List.of("b-missing")), Map.of(), PREFERENCE, "nope");
        assertEquals(List.of(
                "LLM_DEFAULT_MODEL: 'nope' must be one of ALLOWED_MODELS " + ALLOWED,
                "llm.tiers.fast: model 'f-missing' is not in the model catalog",
                "llm.tiers.balanced: model 'b-missing' is not in the model catalog",
                "llm.tiers.premium: model 'p-missing' is not in the model catalog"), policy.startupErrors(KNOWN));
    }

    @Test
    void tiersWhoseCandidatesAreAllRefusedHaveNoAllowedModel() {
        assertEquals(List.of(ModelTier.PREMIUM), policy().tiersWithoutAllowedModel());
    }

    @Test
    void anUnmappedTierHasNoCandidatesAndNoAllowedModel() {
        var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), Map.of(ModelTier.FAST, List.of("gpt-4.1-mini")),
                Map.of(), PREFERENCE, "gpt-4.1-mini");
        assertEquals(List.of(), policy.candidatesOf(ModelTier.BALANCED));
        assertEquals(List.of(ModelTier.BALANCED, ModelTier.PREMIUM), policy.tiersWithoutAllowedModel());
    }

    @Test
    void complexitiesMapToTheirNaturalTierByDefault() {
        var policy = policy();
        assertEquals(ModelTier.FAST, policy.tierFor(Complexity.LOW));
        assertEquals(ModelTier.BALANCED, policy.tierFor(Complexity.MEDIUM));
        assertEquals(ModelTier.PREMIUM, policy.tierFor(Complexity.HIGH));
    }

    @Test
    void aConfiguredComplexityMappingWins() {
        var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), TIERS, Map.of(Complexity.HIGH,
                ModelTier.BALANCED), PREFERENCE, "gpt-4.1-mini");
        assertEquals(ModelTier.BALANCED, policy.tierFor(Complexity.HIGH));
        assertEquals(ModelTier.FAST, policy.tierFor(Complexity.LOW));
    }

    @Test
    void withSimulatorAllowsTheSimulatorModels() {
        var policy = policy().withSimulator(ProviderId.SIMULATOR);
        assertEquals(List.of("gpt-4.1-mini", "gpt-5-mini", "claude-3-5-haiku-20241022", "gemini-1.5-flash",
                "sim-fast", "sim-balanced", "sim-premium"), policy.allowList().models());
    }

    @Test
    void withSimulatorAddsEachSimulatorModelAsTheLastCandidateOfItsTier() {
        var policy = policy().withSimulator(ProviderId.SIMULATOR);
        assertEquals(List.of("gemini-1.5-flash", "gpt-4.1-mini", "claude-3-5-haiku-20241022", "sim-fast"),
                policy.candidatesOf(ModelTier.FAST));
        assertEquals(List.of("gpt-5-mini", "sim-balanced"), policy.candidatesOf(ModelTier.BALANCED));
        assertEquals(List.of("claude-sonnet-4", "sim-premium"), policy.candidatesOf(ModelTier.PREMIUM));
    }

    @Test
    void withSimulatorLeavesEveryTierWithAnAllowedModel() {
        assertEquals(List.of(), policy().withSimulator(ProviderId.SIMULATOR).tiersWithoutAllowedModel());
    }

    @Test
    void withSimulatorDoesNotRepeatACandidateAlreadyListed() {
        var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), Map.of(ModelTier.FAST,
                List.of("sim-fast", "gpt-4.1-mini")), Map.of(), PREFERENCE, "gpt-4.1-mini");
        assertEquals(List.of("sim-fast", "gpt-4.1-mini"),
                policy.withSimulator(ProviderId.SIMULATOR).candidatesOf(ModelTier.FAST));
    }

    @Test
    void withSimulatorKeepsTheDefaultAndLeavesTheOriginalUnchanged() {
        var original = policy();
        var simulated = original.withSimulator(ProviderId.SIMULATOR);
        assertEquals("gpt-4.1-mini", simulated.defaultModel());
        assertFalse(original.allowList().allows("sim-fast"));
        assertEquals(3, original.candidatesOf(ModelTier.FAST).size());
    }

    @Test
    void withDefaultModelChangesOnlyTheDefault() {
        var policy = policy().withDefaultModel("gpt-5-mini");
        assertEquals("gpt-5-mini", policy.defaultModel());
        assertEquals(policy().allowList().models(), policy.allowList().models());
        assertEquals(policy().tierModels(), policy.tierModels());
    }

    @Test
    void theDefaultModelIsAvailableWhenItsProviderIs() {
        assertTrue(policy().defaultModelAvailable(ProviderId.OPENAI::equals));
        assertFalse(policy().defaultModelAvailable(ProviderId.ANTHROPIC::equals));
    }

    @Test
    void aDefaultModelMissingFromTheCatalogIsNeverAvailable() {
        assertFalse(policy().withDefaultModel("gpt-4").defaultModelAvailable(provider -> true));
    }
}
