package io.llmclient.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.application.governance.Governance;
import io.llmclient.application.governance.InProcessQuotaState;
import io.llmclient.application.governance.Standing;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.testing.FakeProvider;
import io.llmclient.application.testing.ManualClock;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.Authentication;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.GovernancePolicyParser;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatResponses;
import io.llmclient.domain.validation.Validated;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** LlmService under a per-caller policy built by the parser (contract section 10), on fake providers. */
class LlmServiceGovernanceTest {
    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final ModelEntry HAIKU = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC,
            ModelTier.FAST);
    private static final ModelEntry GPT5_MINI = ModelEntry.of("gpt-5-mini", ProviderId.OPENAI, ModelTier.BALANCED);
    private static final ModelEntry SONNET = ModelEntry.of("claude-sonnet-4", ProviderId.ANTHROPIC,
            ModelTier.PREMIUM);
    private static final ModelCatalog CATALOG = new ModelCatalog(List.of(MINI, HAIKU, GPT5_MINI, SONNET));
    private static final AllowList ALLOWED = new AllowList(List.of("gpt-4.1-mini", "gpt-5-mini",
            "claude-3-5-haiku-20241022", "claude-sonnet-4"));
    private static final String PLANNER = "sk-planner";
    private static final String BATCH = "sk-batch";
    private static final String MINI_ONLY = "sk-mini";
    private static final String BALANCED = "sk-balanced";
    private static final A2aContext NO_HEADERS = A2aContext.ofTrace("h-trace");
    // The fake provider's usage, 9 + 3 tokens of gpt-4.1-mini: 9 * 400 + 3 * 1600 nano-dollars.
    private static final NanoUsd NINE_PLUS_THREE = new NanoUsd(8_400L);

    private final ManualClock clock = new ManualClock();
    private final Journal journal = new Journal();
    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI, journal::add);
    private final FakeProvider anthropic = new FakeProvider(ProviderId.ANTHROPIC, journal::add);
    private final GovernancePolicy governancePolicy = policy();
    private final LlmService service;

    LlmServiceGovernanceTest() {
        var registry = new ProviderRegistry(List.of(openai.factory(), anthropic.factory()), id -> null);
        var models = new ModelPolicy(CATALOG, ALLOWED,
                Map.of(ModelTier.FAST, List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"),
                        ModelTier.BALANCED, List.of("gpt-5-mini"),
                        ModelTier.PREMIUM, List.of("claude-sonnet-4")),
                Map.of(), List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), "gpt-4.1-mini");
        service = LlmService.builder().policy(models).registry(registry).metrics(journal).audit(journal)
                .requestLog(journal).time(clock)
                .governance(metrics -> new Governance(governancePolicy, new InProcessQuotaState(), clock, metrics))
                .build();
    }

    private static Map<String, Object> map(Object... pairs) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    private static GovernancePolicy policy() {
        Map<String, Object> llm = map(
                "prices", map(
                        "gpt-4.1-mini", map("input", "0.40", "output", "1.60", "cached-input", "0.10"),
                        "claude-3-5-haiku-20241022", map("input", 0.80, "output", 4.00)),
                "teams", List.of(map("id", "research",
                        "models", List.of("claude-3-5-haiku-20241022", "gpt-4.1-mini", "gpt-5-mini"))),
                "keys", List.of(
                        // Budget 8,000 nano-dollars: one call of 9 + 3 tokens (8,400) spends it.
                        map("id", "planner", "sha256", GovernancePolicy.sha256(PLANNER), "team", "research",
                                "source-agent", "planner",
                                "models", List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022", "claude-sonnet-4"),
                                "rpm", "2", "max-parallel", "2", "budget", map("usd", "0.000008", "period", "daily")),
                        map("id", "batch", "sha256", GovernancePolicy.sha256(BATCH), "team", "research",
                                "models", List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"),
                                "max-parallel", 1, "budget", map("usd", 100, "period", "monthly")),
                        map("id", "mini-only", "sha256", GovernancePolicy.sha256(MINI_ONLY),
                                "models", List.of("gpt-4.1-mini")),
                        map("id", "balanced-only", "sha256", GovernancePolicy.sha256(BALANCED),
                                "models", List.of("gpt-5-mini"))));
        return switch (GovernancePolicyParser.parse(llm, CATALOG, ALLOWED, List.of())) {
            case Validated.Valid<GovernancePolicy> valid -> valid.value();
            case Validated.Invalid<GovernancePolicy> invalid -> fail("the test policy is invalid: " + invalid.errors());
        };
    }

    private Caller caller(String key) {
        return switch (governancePolicy.authenticate(List.of(key), clock.now())) {
            case Authentication.Accepted accepted -> accepted.caller();
            case Authentication.Rejected rejected -> fail(rejected.reason());
        };
    }

    private static Map<String, Object> params(Object... keysAndValues) {
        var params = new LinkedHashMap<String, Object>();
        params.put("messages", List.of(Map.of("role", "user", "content", "Hello")));
        params.put("trace_id", "t-1");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            params.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return params;
    }

    private PreparedRequest prepare(String key, Map<String, Object> params) {
        return prepare(key, params, NO_HEADERS);
    }

    private PreparedRequest prepare(String key, Map<String, Object> params, A2aContext headers) {
        return service.prepare(params, headers, service.arrival(), caller(key));
    }

    private LlmFailure refusal(String key, Map<String, Object> params) {
        return assertThrows(LlmFailureException.class, () -> prepare(key, params)).failure();
    }

    private ChatResponse complete(String key, Map<String, Object> params) {
        return service.complete(prepare(key, params));
    }

    private Standing.InFlight inFlight(String key) {
        return service.governance().standings(caller(key)).getFirst().parallel().orElseThrow();
    }

    private Standing.Spend spend(String key) {
        return service.governance().standings(caller(key)).getFirst().budget().orElseThrow();
    }

    @Nested
    class OrderOfChecks {

        @Test
        void invalidParamsComeBeforeModelAccess() {
            var params = params("model", "gpt-5-mini", "temperature", 7);
            assertInstanceOf(InvalidParams.class, refusal(PLANNER, params));
            assertEquals(0, openai.requests.size());
        }

        @Test
        void aModelOutsideTheEffectiveListIsRefusedNamingTheEffectiveList() {
            // gpt-5-mini is in ALLOWED_MODELS and in the team's list, but not in the key's.
            assertEquals(new ModelNotAllowed("gpt-5-mini", List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")),
                    refusal(PLANNER, params("model", "gpt-5-mini")));
            // claude-sonnet-4 is in ALLOWED_MODELS and the key's list, but not in the team's.
            assertEquals(new ModelNotAllowed("claude-sonnet-4", List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")),
                    refusal(PLANNER, params("model", "claude-sonnet-4")));
            assertEquals(List.of("planner", "planner"), journal.violations.stream()
                    .map(violation -> violation.context().principal()).toList());
        }

        @Test
        void modelAccessComesBeforeLimits() {
            prepare(BATCH, params("model", "gpt-4.1-mini"));
            assertInstanceOf(QuotaExceeded.class, refusal(BATCH, params("model", "gpt-4.1-mini")));
            assertEquals(new ModelNotAllowed("gpt-5-mini", List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")),
                    refusal(BATCH, params("model", "gpt-5-mini")));
        }

        @Test
        void limitsComeBeforeTheBudget() {
            PreparedRequest first = prepare(PLANNER, params("model", "gpt-4.1-mini"));
            PreparedRequest second = prepare(PLANNER, params("model", "gpt-4.1-mini"));
            clock.advance(Duration.ofSeconds(10));
            service.complete(first);
            service.complete(second);
            // Both rpm (2 in 60 s) and the budget (16,800 of 8,000) refuse: rpm is named.
            assertEquals(new QuotaExceeded("planner", QuotaLimit.RPM, Optional.of(Duration.ofSeconds(50))),
                    refusal(PLANNER, params("model", "gpt-4.1-mini")));
            clock.advance(Duration.ofSeconds(50));
            assertEquals(new BudgetExceeded("planner", new NanoUsd(8_000L), new NanoUsd(16_800L), BudgetPeriod.DAILY,
                    Optional.of(Instant.parse("2026-01-02T00:00:00Z"))),
                    refusal(PLANNER, params("model", "gpt-4.1-mini")));
        }

        @Test
        void aQuotaRefusalIsRecordedWithItsModel() {
            prepare(BATCH, params("model", "gpt-4.1-mini"));
            refusal(BATCH, params("model", "gpt-4.1-mini"));
            assertEquals(Optional.of("gpt-4.1-mini"), journal.records.getLast().model());
            assertEquals(Optional.of("QuotaExceededError"), journal.records.getLast().errorType());
        }
    }

    @Nested
    class RefusalsConsumeNothing {

        @Test
        void aRefusedRequestLeavesTheInFlightCountUnchanged() {
            PreparedRequest held = prepare(BATCH, params("model", "gpt-4.1-mini"));
            assertEquals(new Standing.InFlight(1, 1), inFlight(BATCH));
            assertEquals(new QuotaExceeded("batch", QuotaLimit.MAX_PARALLEL, Optional.empty()),
                    refusal(BATCH, params("model", "gpt-4.1-mini")));
            assertInstanceOf(ModelNotAllowed.class, refusal(BATCH, params("model", "gpt-5-mini")));
            assertInstanceOf(InvalidParams.class, refusal(BATCH, params("temperature", "hot")));
            assertEquals(new Standing.InFlight(1, 1), inFlight(BATCH));
            held.release();
            assertEquals(new Standing.InFlight(1, 0), inFlight(BATCH));
            prepare(BATCH, params("model", "gpt-4.1-mini"));
        }

        @Test
        void aFinishedCallGivesBackItsSlot() {
            complete(BATCH, params("model", "gpt-4.1-mini"));
            complete(BATCH, params("model", "gpt-4.1-mini"));
            assertEquals(new Standing.InFlight(1, 0), inFlight(BATCH));
        }

        @Test
        void aFailedCallGivesBackItsSlotToo() {
            openai.behaviour = (request, context, sink) -> {
                throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(400), "bad"));
            };
            assertThrows(LlmFailureException.class, () -> complete(BATCH, params("model", "gpt-4.1-mini")));
            assertEquals(new Standing.InFlight(1, 0), inFlight(BATCH));
        }
    }

    @Nested
    class SourceAgent {

        @Test
        void claimingAnotherAgentInParamsIsInvalidParamsNamingSourceAgent() {
            assertEquals(new InvalidParams(List.of(new FieldError("source_agent",
                    "must be 'planner', the only source_agent this API key may claim"))),
                    refusal(PLANNER, params("model", "gpt-4.1-mini", "source_agent", "coder")));
            assertEquals(0, openai.requests.size());
        }

        @Test
        void claimingAnotherAgentInTheHeaderIsRefusedToo() {
            var headers = new A2aContext("h-trace", Optional.of("coder"), Optional.empty());
            var thrown = assertThrows(LlmFailureException.class,
                    () -> prepare(PLANNER, params("model", "gpt-4.1-mini"), headers));
            assertEquals(List.of("source_agent"), ((InvalidParams) thrown.failure()).errors().stream()
                    .map(FieldError::field).toList());
        }

        @Test
        void theMismatchIsReportedWithTheOtherInvalidFields() {
            var failure = (InvalidParams) refusal(PLANNER, params("temperature", "hot", "source_agent", "coder"));
            assertEquals(List.of("temperature", "source_agent"),
                    failure.errors().stream().map(FieldError::field).toList());
        }

        @Test
        void noClaimGetsTheKeysAgent() {
            complete(PLANNER, params("model", "gpt-4.1-mini"));
            assertEquals(new A2aContext("t-1", Optional.of("planner"), Optional.empty(), "planner"),
                    openai.lastContext().a2a());
        }

        @Test
        void claimingItsOwnAgentIsAccepted() {
            complete(PLANNER, params("model", "gpt-4.1-mini", "source_agent", "planner"));
            assertEquals(Optional.of("planner"), openai.lastContext().a2a().sourceAgent());
        }

        @Test
        void aKeyWithoutAnAgentMayClaimAny() {
            complete(BATCH, params("model", "gpt-4.1-mini", "source_agent", "anyone"));
            assertEquals(new A2aContext("t-1", Optional.of("anyone"), Optional.empty(), "batch"),
                    openai.lastContext().a2a());
        }
    }

    @Nested
    class Selection {

        @Test
        void aTierChoosesOnlyFromTheEffectiveList() {
            openai.availability = Availability.down("off");
            // FAST is gpt-4.1-mini then haiku; with openai down, mini-only has nothing left.
            var failure = assertInstanceOf(ProviderUnavailable.class, refusal(MINI_ONLY, params("tier", "fast")));
            assertEquals(Optional.of(ModelTier.FAST), failure.tier());
            assertEquals(HAIKU, prepare(BATCH, params("tier", "fast")).model());
        }

        @Test
        void aTierWithoutAnEffectiveModelIsRefusedNamingTheTier() {
            // balanced is gpt-5-mini: allowed by the service and the team, not by the planner's key.
            assertEquals(ProviderUnavailable.forTier(ModelTier.BALANCED, "No allowed model serves tier 'balanced'"),
                    refusal(PLANNER, params("tier", "balanced")));
            assertEquals(GPT5_MINI, prepare(BALANCED, params("tier", "balanced")).model());
        }

        @Test
        void complexityChoosesOnlyFromTheEffectiveList() {
            assertEquals(ProviderUnavailable.forTier(ModelTier.BALANCED, "No allowed model serves tier 'balanced'"),
                    refusal(PLANNER, params("complexity", "medium")));
            assertEquals(GPT5_MINI, prepare(BALANCED, params("complexity", "medium")).model());
        }

        @Test
        void theDefaultOutsideTheEffectiveListFallsToItsTierInsideIt() {
            assertEquals(MINI, prepare(PLANNER, params()).model());
            // The default gpt-4.1-mini is fast; balanced-only has no fast model.
            assertEquals(ProviderUnavailable.forTier(ModelTier.FAST, "No allowed model serves tier 'fast'"),
                    refusal(BALANCED, params()));
        }

        @Test
        void aNoCandidateRefusalConsumesNothing() {
            for (int i = 0; i < 5; i++) {
                refusal(PLANNER, params("tier", "balanced"));
            }
            var standing = service.governance().standings(caller(PLANNER)).getFirst();
            assertEquals(2, standing.requests().orElseThrow().remaining());
            assertEquals(0, standing.parallel().orElseThrow().inUse());
        }

        @Test
        void aFallbackStaysInsideTheEffectiveList() {
            openai.behaviour = (request, context, sink) -> {
                throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(503), "down"));
            };
            // batch may use haiku: the fast tier falls back to it.
            assertEquals(HAIKU.id(), complete(BATCH, params("tier", "fast")).model());
            int anthropicCalls = anthropic.requests.size();
            // mini-only may not: the failure stands, haiku is never called.
            assertInstanceOf(ProviderFailed.class, assertThrows(LlmFailureException.class,
                    () -> complete(MINI_ONLY, params("tier", "fast"))).failure());
            assertEquals(anthropicCalls, anthropic.requests.size());
        }

        @Test
        void theModelListIsTheEffectiveList() {
            assertEquals(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"), service.models(caller(PLANNER))
                    .models().stream().map(listed -> listed.model().id()).toList());
        }
    }

    @Nested
    class Cost {

        @Test
        void theResponseCarriesThePriceOfItsUsage() {
            ChatResponse response = complete(BATCH, params("model", "gpt-4.1-mini"));
            assertEquals(Optional.of(NINE_PLUS_THREE), response.cost());
            assertEquals(governancePolicy.prices().of("gpt-4.1-mini").map(price -> price.cost(new Usage(9, 3))),
                    response.cost());
            assertEquals(NINE_PLUS_THREE, spend(BATCH).spent());
        }

        @Test
        void aStreamHoldsItsSlotUntilItEndsAndItsDoneEventCarriesTheCost() {
            var duringStream = new ArrayList<Standing.InFlight>();
            openai.behaviour = (request, context, sink) -> {
                sink.accept(new StreamEvent.Delta("Hi"));
                duringStream.add(inFlight(BATCH));
                var response = FakeProvider.response(context, "Hi");
                sink.accept(new StreamEvent.Completed(response));
                return response;
            };
            var received = new ArrayList<StreamEvent>();
            service.stream(prepare(BATCH, params("model", "gpt-4.1-mini", "stream", true)), received::add);
            assertEquals(List.of(new Standing.InFlight(1, 1)), duringStream);
            var done = assertInstanceOf(StreamEvent.Completed.class, received.getLast());
            assertEquals(Optional.of(NINE_PLUS_THREE), done.response().cost());
            assertEquals(new Standing.InFlight(1, 0), inFlight(BATCH));
            assertEquals(NINE_PLUS_THREE, spend(BATCH).spent());
        }

        @Test
        void aModelWithoutAPriceHasNoCost() {
            assertEquals(Optional.empty(), complete(BALANCED, params("model", "gpt-5-mini")).cost());
        }

        @Test
        void theSpendAfterManyCallsIsTheSumOfTheirCostsExactly() {
            var random = new Random(11);
            openai.behaviour = (request, context, sink) -> ChatResponses.builder().id("r").model(context.model())
                    .content("Hi").traceId(context.a2a().traceId()).usage(usageOf(random)).build();
            anthropic.behaviour = openai.behaviour;
            NanoUsd sum = NanoUsd.ZERO;
            BigDecimal dollars = BigDecimal.ZERO;
            for (int i = 0; i < 200; i++) {
                String model = i % 3 == 0 ? HAIKU.id() : MINI.id();
                ChatResponse response = complete(BATCH, params("model", model));
                var price = governancePolicy.prices().of(model).orElseThrow();
                assertEquals(Optional.of(price.cost(response.usage())), response.cost());
                sum = sum.plus(response.cost().orElseThrow());
                dollars = dollars.add(response.cost().orElseThrow().usd());
            }
            assertEquals(sum, spend(BATCH).spent());
            assertEquals(0, spend(BATCH).spent().usd().compareTo(dollars));
            // The team has no budget of its own, but its spend is kept all the same.
            assertEquals(Optional.empty(), service.governance().standings(caller(BATCH)).get(1).budget());
        }

        private static Usage usageOf(Random random) {
            int prompt = random.nextInt(5000);
            int reads = random.nextInt(prompt + 1);
            return new Usage(prompt, random.nextInt(2000), reads, random.nextInt(prompt - reads + 1));
        }
    }
}
