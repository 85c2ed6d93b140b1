package io.llmclient.domain.selection;

import static io.llmclient.domain.selection.PolicyFixture.ALLOWED;
import static io.llmclient.domain.selection.PolicyFixture.CATALOG;
import static io.llmclient.domain.selection.PolicyFixture.FLASH;
import static io.llmclient.domain.selection.PolicyFixture.GPT5_MINI;
import static io.llmclient.domain.selection.PolicyFixture.GPT_MINI;
import static io.llmclient.domain.selection.PolicyFixture.HAIKU;
import static io.llmclient.domain.selection.PolicyFixture.PREFERENCE;
import static io.llmclient.domain.selection.PolicyFixture.SIM_FAST;
import static io.llmclient.domain.selection.PolicyFixture.TIERS;
import static io.llmclient.domain.selection.PolicyFixture.forComplexity;
import static io.llmclient.domain.selection.PolicyFixture.forDefault;
import static io.llmclient.domain.selection.PolicyFixture.forModel;
import static io.llmclient.domain.selection.PolicyFixture.forTier;
import static io.llmclient.domain.selection.PolicyFixture.policy;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.SelectionOutcome.Refused;
import io.llmclient.domain.selection.SelectionOutcome.Selected;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ModelSelectorTest {

    private static final Predicate<ProviderId> ALL_UP = provider -> true;

    private static Predicate<ProviderId> onlyUp(ProviderId... providers) {
        return Set.of(providers)::contains;
    }

    private static Selected selected(SelectionOutcome outcome) {
        return switch (outcome) {
            case Selected selected -> selected;
            case Refused refused -> fail("expected a model, got refusal: " + refused.rationale());
        };
    }

    private static LlmFailure refusal(SelectionOutcome outcome) {
        return switch (outcome) {
            case Selected selected -> fail("expected a refusal, got " + selected.model().id());
            case Refused refused -> refused.failure();
        };
    }

    private final ModelSelector selector = new ModelSelector(policy());

    @Nested
    class ExplicitModel {

        @Test
        void anAllowedModelWithAnAvailableProviderIsUsedAsAsked() {
            var outcome = selected(selector.select(forModel("gemini-1.5-flash"), ALL_UP));
            assertEquals(FLASH, outcome.model());
            assertEquals("model=gemini-1.5-flash as requested (provider gemini)", outcome.rationale());
        }

        @Test
        void aModelNotOnTheAllowListIsRefusedNamingTheAllowedModels() {
            var outcome = selector.select(forModel("claude-sonnet-4"), ALL_UP);
            assertEquals(new ModelNotAllowed("claude-sonnet-4", ALLOWED), refusal(outcome));
            assertEquals("model=claude-sonnet-4 refused: not in ALLOWED_MODELS", outcome.rationale());
        }

        @Test
        void anAllowedModelMissingFromTheCatalogIsUnavailableNotSubstituted() {
            var selector = new ModelSelector(new ModelPolicy(CATALOG, new AllowList(List.of("gpt-4.1-mini", "ghost")),
                    TIERS, Map.of(), PREFERENCE, "gpt-4.1-mini"));
            var failure = assertInstanceOf(ProviderUnavailable.class,
                    refusal(selector.select(forModel("ghost"), ALL_UP)));
            assertEquals(Optional.of("ghost"), failure.model());
            assertEquals("Model 'ghost' is allowed but no provider serves it (not in the model catalog)",
                    failure.message());
        }

        @Test
        void anAllowedModelWhoseProviderIsUnavailableIsRefusedNotSubstituted() {
            var outcome = selector.select(forModel("gpt-4.1-mini"), onlyUp(ProviderId.ANTHROPIC, ProviderId.GEMINI));
            assertEquals(ProviderUnavailable.forModel("gpt-4.1-mini", ProviderId.OPENAI,
                    "Provider 'openai' for model 'gpt-4.1-mini' is unavailable"), refusal(outcome));
            assertEquals("model=gpt-4.1-mini refused: provider openai unavailable", outcome.rationale());
        }
    }

    @Nested
    class Tier {

        @Test
        void theFirstAllowedModelByProviderPreferenceIsPicked() {
            var outcome = selected(selector.select(forTier(ModelTier.FAST), ALL_UP));
            assertEquals(GPT_MINI, outcome.model());
            assertEquals("tier=fast -> gpt-4.1-mini (provider openai)", outcome.rationale());
        }

        @Test
        void unavailableProvidersAreSkippedAndNamedInTheRationale() {
            var outcome = selected(selector.select(forTier(ModelTier.FAST), onlyUp(ProviderId.GEMINI)));
            assertEquals(FLASH, outcome.model());
            assertEquals("tier=fast -> gemini-1.5-flash (provider gemini); skipped gpt-4.1-mini (provider openai "
                    + "unavailable), claude-3-5-haiku-20241022 (provider anthropic unavailable)", outcome.rationale());
        }

        @Test
        void aTierWithoutAnAllowedModelIsProviderUnavailableNamingTheTier() {
            var outcome = selector.select(forTier(ModelTier.PREMIUM), ALL_UP);
            assertEquals(ProviderUnavailable.forTier(ModelTier.PREMIUM, "No allowed model serves tier 'premium'"),
                    refusal(outcome));
            assertEquals("tier=premium: no allowed model in tier", outcome.rationale());
        }

        @Test
        void aTierWhoseProvidersAreAllUnavailableIsProviderUnavailableNamingTheTier() {
            var outcome = selector.select(forTier(ModelTier.BALANCED), onlyUp(ProviderId.GEMINI));
            assertEquals(ProviderUnavailable.forTier(ModelTier.BALANCED, "No available provider for tier 'balanced'"),
                    refusal(outcome));
            assertEquals("tier=balanced: every allowed model's provider is unavailable: gpt-5-mini (provider openai "
                    + "unavailable)", outcome.rationale());
        }

        @Test
        void providersMissingFromThePreferenceComeLastInConfigurationOrder() {
            var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED).plus(List.of("sim-fast")),
                    Map.of(ModelTier.FAST, List.of("sim-fast", "gemini-1.5-flash", "claude-3-5-haiku-20241022")),
                    Map.of(), List.of(ProviderId.ANTHROPIC), "gpt-4.1-mini");
            var selector = new ModelSelector(policy);
            assertEquals(HAIKU, selected(selector.select(forTier(ModelTier.FAST), ALL_UP)).model());
            assertEquals(SIM_FAST, selected(selector.select(forTier(ModelTier.FAST),
                    onlyUp(ProviderId.SIMULATOR, ProviderId.GEMINI))).model());
        }

        @Test
        void candidatesThatAreNotAllowedAreNeverPicked() {
            var policy = new ModelPolicy(CATALOG, new AllowList(List.of("gemini-1.5-flash")), TIERS, Map.of(),
                    PREFERENCE, "gemini-1.5-flash");
            assertEquals(FLASH, selected(new ModelSelector(policy).select(forTier(ModelTier.FAST), ALL_UP)).model());
        }
    }

    @Nested
    class ComplexityToTier {

        @Test
        void aComplexityPicksFromItsTier() {
            var outcome = selected(selector.select(forComplexity(Complexity.MEDIUM), ALL_UP));
            assertEquals(GPT5_MINI, outcome.model());
            assertEquals("complexity=medium -> tier=balanced -> gpt-5-mini (provider openai)", outcome.rationale());
        }

        @Test
        void aComplexityMappedToATierWithoutAllowedModelNamesThatTier() {
            var failure = assertInstanceOf(ProviderUnavailable.class,
                    refusal(selector.select(forComplexity(Complexity.HIGH), ALL_UP)));
            assertEquals(Optional.of(ModelTier.PREMIUM), failure.tier());
        }

        @Test
        void theConfiguredComplexityMappingIsFollowed() {
            var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), TIERS,
                    Map.of(Complexity.HIGH, ModelTier.BALANCED), PREFERENCE, "gpt-4.1-mini");
            assertEquals(GPT5_MINI,
                    selected(new ModelSelector(policy).select(forComplexity(Complexity.HIGH), ALL_UP)).model());
        }
    }

    @Nested
    class DefaultModel {

        @Test
        void withoutModelTierOrComplexityTheDefaultIsUsed() {
            var outcome = selected(selector.select(forDefault(), ALL_UP));
            assertEquals(GPT_MINI, outcome.model());
            assertEquals("default model gpt-4.1-mini (provider openai)", outcome.rationale());
        }

        @Test
        void anUnavailableDefaultFallsBackToTheSameTier() {
            var outcome = selected(selector.select(forDefault(), onlyUp(ProviderId.ANTHROPIC, ProviderId.GEMINI)));
            assertEquals(HAIKU, outcome.model());
            assertEquals("default model gpt-4.1-mini unavailable (provider openai), same tier fast -> "
                    + "claude-3-5-haiku-20241022 (provider anthropic)", outcome.rationale());
        }

        @Test
        void anUnavailableDefaultWithNoOtherAvailableModelInItsTierIsProviderUnavailable() {
            var outcome = selector.select(forDefault(), onlyUp(ProviderId.SIMULATOR));
            var failure = assertInstanceOf(ProviderUnavailable.class, refusal(outcome));
            assertEquals(Optional.of(ModelTier.FAST), failure.tier());
            assertTrue(outcome.rationale().contains("default model gpt-4.1-mini unavailable"), outcome.rationale());
        }

        @Test
        void anUnavailableDefaultAloneInItsTierIsProviderUnavailable() {
            var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), Map.of(ModelTier.BALANCED,
                    List.of("gpt-5-mini")), Map.of(), PREFERENCE, "gpt-5-mini");
            var outcome = new ModelSelector(policy).select(forDefault(), onlyUp(ProviderId.GEMINI));
            assertInstanceOf(ProviderUnavailable.class, refusal(outcome));
        }

        @Test
        void aDefaultMissingFromTheCatalogIsNotRoutable() {
            var policy = new ModelPolicy(CATALOG, new AllowList(List.of("ghost")), TIERS, Map.of(), PREFERENCE,
                    "ghost");
            var outcome = new ModelSelector(policy).select(forDefault(), ALL_UP);
            assertEquals(new ProviderUnavailable(Optional.empty(), Optional.of("ghost"), Optional.empty(),
                    "Default model 'ghost' is not routable"), refusal(outcome));
        }
    }

    /**
     * The governance promise checked exhaustively over a small world: every subset of a six-model
     * allow-list, every subset of three providers up, every way of asking, every default model.
     * Whatever selection returns is allowed and its provider is up, and an explicit model is never swapped.
     */
    @Test
    void aSelectedModelIsAlwaysAllowedAvailableAndTheOneAskedForWhenExplicit() {
        var a = new ProviderId("a");
        var b = new ProviderId("b");
        var c = new ProviderId("c");
        var providers = List.of(a, b, c);
        var entries = List.of(
                ModelEntry.of("a-fast", a, ModelTier.FAST), ModelEntry.of("b-fast", b, ModelTier.FAST),
                ModelEntry.of("c-fast", c, ModelTier.FAST), ModelEntry.of("a-bal", a, ModelTier.BALANCED),
                ModelEntry.of("b-prem", b, ModelTier.PREMIUM), ModelEntry.of("c-prem", c, ModelTier.PREMIUM));
        var catalog = new ModelCatalog(entries);
        var ids = entries.stream().map(ModelEntry::id).toList();
        var tiers = Map.of(ModelTier.FAST, List.of("c-fast", "a-fast", "b-fast"),
                ModelTier.BALANCED, List.of("a-bal"), ModelTier.PREMIUM, List.of("b-prem", "c-prem"));

        var requests = new ArrayList<ChatRequest>();
        ids.forEach(id -> requests.add(forModel(id)));
        requests.add(forModel("not-in-catalog"));
        for (ModelTier tier : ModelTier.values()) {
            requests.add(forTier(tier));
        }
        for (Complexity complexity : Complexity.values()) {
            requests.add(forComplexity(complexity));
        }
        requests.add(forDefault());

        int selections = 0;
        for (int allowedMask = 0; allowedMask < 1 << ids.size(); allowedMask++) {
            var allowed = new ArrayList<String>();
            for (int i = 0; i < ids.size(); i++) {
                if ((allowedMask & 1 << i) != 0) {
                    allowed.add(ids.get(i));
                }
            }
            var allowList = new AllowList(allowed);
            for (int upMask = 0; upMask < 1 << providers.size(); upMask++) {
                var up = new ArrayList<ProviderId>();
                for (int i = 0; i < providers.size(); i++) {
                    if ((upMask & 1 << i) != 0) {
                        up.add(providers.get(i));
                    }
                }
                Predicate<ProviderId> available = up::contains;
                for (String defaultModel : ids) {
                    var policy = new ModelPolicy(catalog, allowList, tiers, Map.of(), List.of(b, a), defaultModel);
                    var selector = new ModelSelector(policy);
                    for (ChatRequest request : requests) {
                        if (selector.select(request, available) instanceof Selected(ModelEntry model, String why)) {
                            selections++;
                            String world = "allowed=" + allowed + " up=" + up + " default=" + defaultModel
                                    + " request=" + request.model() + request.tier() + request.complexity();
                            assertTrue(allowList.allows(model.id()), () -> "not allowed: " + model.id() + " " + world);
                            assertTrue(up.contains(model.provider()), () -> "provider down: " + model.id() + " " + world);
                            request.model().ifPresent(asked -> assertEquals(asked, model.id(), world));
                        }
                    }
                }
            }
        }
        assertTrue(selections > 1000, "the world must exercise selection, not only refusals: " + selections);
    }

    @Nested
    class Fallbacks {

        @Test
        void anExplicitModelHasNoFallbackEvenWhenItsTierHasOthers() {
            assertEquals(List.of(), selector.fallbacks(forModel("gpt-4.1-mini"), GPT_MINI, Set.of(ProviderId.OPENAI)));
        }

        @Test
        void aTierRequestFallsBackToTheTiersOtherProvidersInPreferenceOrder() {
            assertEquals(List.of(HAIKU, FLASH),
                    selector.fallbacks(forTier(ModelTier.FAST), GPT_MINI, Set.of(ProviderId.OPENAI)));
        }

        @Test
        void providersAlreadyTriedAreNotOfferedAgain() {
            assertEquals(List.of(FLASH), selector.fallbacks(forTier(ModelTier.FAST), HAIKU,
                    Set.of(ProviderId.OPENAI, ProviderId.ANTHROPIC)));
        }

        @Test
        void aComplexityFallsBackWithinTheTierItMapsTo() {
            assertEquals(List.of(HAIKU, FLASH),
                    selector.fallbacks(forComplexity(Complexity.LOW), GPT_MINI, Set.of(ProviderId.OPENAI)));
        }

        @Test
        void theDefaultModelFallsBackWithinItsOwnTier() {
            assertEquals(List.of(HAIKU, FLASH), selector.fallbacks(forDefault(), GPT_MINI, Set.of(ProviderId.OPENAI)));
        }

        @Test
        void aModelTheAllowListRefusesIsNeverAFallback() {
            var narrowed = new ModelPolicy(CATALOG, new AllowList(List.of("gpt-4.1-mini", "gemini-1.5-flash")), TIERS,
                    Map.of(), PREFERENCE, "gpt-4.1-mini");
            assertEquals(List.of(FLASH), new ModelSelector(narrowed)
                    .fallbacks(forTier(ModelTier.FAST), GPT_MINI, Set.of(ProviderId.OPENAI)));
        }

        @Test
        void anotherModelOfTheFailedProviderIsNotAFallback() {
            var tiers = Map.of(ModelTier.BALANCED, List.of("gpt-5-mini", "gpt-4.1-mini"));
            var policy = new ModelPolicy(CATALOG, new AllowList(ALLOWED), tiers, Map.of(), PREFERENCE, "gpt-4.1-mini");
            assertEquals(List.of(), new ModelSelector(policy)
                    .fallbacks(forTier(ModelTier.BALANCED), GPT5_MINI, Set.of(ProviderId.OPENAI)));
        }
    }

    @Nested
    class CallersAllowList {
        // A caller narrowed to two of the service's models: neither the default nor gpt-5-mini.
        private final AllowList caller = new AllowList(List.of("claude-3-5-haiku-20241022", "gemini-1.5-flash"));

        @Test
        void anExplicitModelOutsideTheCallersListIsRefusedNamingTheCallersList() {
            assertEquals(new ModelNotAllowed("gpt-5-mini", List.of("claude-3-5-haiku-20241022", "gemini-1.5-flash")),
                    refusal(selector.select(forModel("gpt-5-mini"), caller, ALL_UP)));
        }

        @Test
        void aTierChoosesOnlyAmongTheCallersModels() {
            assertEquals(HAIKU, selected(selector.select(forTier(ModelTier.FAST), caller, ALL_UP)).model());
            assertEquals(FLASH, selected(selector.select(forTier(ModelTier.FAST), caller,
                    onlyUp(ProviderId.OPENAI, ProviderId.GEMINI))).model());
        }

        @Test
        void aTierWithoutACallersModelIsRefusedNamingTheTier() {
            var failure = assertInstanceOf(ProviderUnavailable.class,
                    refusal(selector.select(forTier(ModelTier.BALANCED), caller, ALL_UP)));
            assertEquals(Optional.of(ModelTier.BALANCED), failure.tier());
            assertInstanceOf(ProviderUnavailable.class,
                    refusal(selector.select(forComplexity(Complexity.MEDIUM), caller, ALL_UP)));
        }

        @Test
        void theDefaultOutsideTheCallersListGivesWayToItsTierInsideIt() {
            assertEquals(HAIKU, selected(selector.select(forDefault(), caller, ALL_UP)).model());
            var balancedOnly = new AllowList(List.of("gpt-5-mini"));
            var failure = assertInstanceOf(ProviderUnavailable.class,
                    refusal(selector.select(forDefault(), balancedOnly, ALL_UP)));
            assertEquals(Optional.of(ModelTier.FAST), failure.tier());
        }

        @Test
        void fallbacksStayInsideTheCallersList() {
            assertEquals(List.of(FLASH), selector.fallbacks(forTier(ModelTier.FAST), caller, HAIKU,
                    Set.of(ProviderId.ANTHROPIC)));
            assertEquals(List.of(), selector.fallbacks(forTier(ModelTier.FAST), new AllowList(List.of("gpt-4.1-mini")),
                    GPT_MINI, Set.of(ProviderId.OPENAI)));
        }
    }
}
