package io.llmclient.domain.governance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.validation.Validated;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class GovernancePolicyParserTest {

    static final ModelCatalog CATALOG = new ModelCatalog(List.of(
            ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST),
            ModelEntry.of("gpt-5-mini", ProviderId.OPENAI, ModelTier.BALANCED),
            ModelEntry.of("claude-sonnet-4-5", ProviderId.ANTHROPIC, ModelTier.PREMIUM),
            ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST),
            ModelEntry.of("sim-balanced", ProviderId.SIMULATOR, ModelTier.BALANCED)));
    static final AllowList ALLOWED = new AllowList(List.of("gpt-4.1-mini", "gpt-5-mini", "claude-sonnet-4-5",
            "sim-fast"));
    static final String PLANNER_KEY = "sk-planner";
    static final String BATCH_KEY = "sk-batch";
    static final String SOLO_KEY = "sk-solo";
    static final String REQUIRED_KNOWN_KEYS = "is not a known setting; known: [budget, disabled, expires-at, id, "
            + "max-parallel, models, rpm, sha256, source-agent, team, tpm]";
    static final String COUNT_RULE = "must be a whole number from 1 to 2147483647";
    static final String RATE_RULE = "must be USD per million tokens, >= 0 and <= 1000000, with at most 9 decimal "
            + "places";

    /** A mutable map of the given pairs, as a configuration tree gives it. */
    static Map<String, Object> map(Object... pairs) {
        var map = new LinkedHashMap<String, Object>();
        for (int i = 0; i < pairs.length; i += 2) {
            map.put((String) pairs[i], pairs[i + 1]);
        }
        return map;
    }

    /** The contract's example, values as Helidon config gives them (strings) and as YAML does (numbers). */
    static Map<String, Object> contractPolicy() {
        return map(
                "prices", map(
                        "gpt-4.1-mini", map("input", "0.40", "output", 1.60, "cached-input", "0.10"),
                        "claude-sonnet-4-5", map("input", 3.00, "output", "15.00", "cached-input", 0.30,
                                "cache-write", "3.75"),
                        "sim-fast", map("input", "0.10", "output", "0.40")),
                "teams", new ArrayList<>(List.of(
                        map("id", "research", "models", List.of("sim-fast", "gpt-4.1-mini"), "rpm", "600",
                                "tpm", 200000, "budget", map("usd", "100.0", "period", "monthly")))),
                "keys", new ArrayList<>(List.of(
                        map("id", "planner-prod", "sha256", GovernancePolicy.sha256(PLANNER_KEY), "team", "research",
                                "source-agent", "planner", "models", List.of("sim-fast", "gpt-4.1-mini", "gpt-5-mini"),
                                "rpm", 60, "tpm", "100000", "max-parallel", "4",
                                "budget", map("usd", 5.0, "period", "daily")),
                        map("id", "batch", "sha256", GovernancePolicy.sha256(BATCH_KEY).toUpperCase(),
                                "team", "research"),
                        map("id", "solo", "sha256", GovernancePolicy.sha256(SOLO_KEY), "models",
                                List.of("claude-sonnet-4-5", "gpt-5-mini"), "rpm", "10",
                                "expires-at", "2027-01-31T00:00:00Z", "disabled", "false"))));
    }

    static GovernancePolicy valid(Map<String, ?> llm, List<String> inbound) {
        return switch (GovernancePolicyParser.parse(llm, CATALOG, ALLOWED, inbound)) {
            case Validated.Valid<GovernancePolicy> valid -> valid.value();
            case Validated.Invalid<GovernancePolicy> invalid -> fail("expected a valid policy: " + invalid.errors());
        };
    }

    static List<FieldError> errors(Map<String, ?> llm) {
        return switch (GovernancePolicyParser.parse(llm, CATALOG, ALLOWED, List.of())) {
            case Validated.Valid<GovernancePolicy> valid -> fail("expected the policy to be refused");
            case Validated.Invalid<GovernancePolicy> invalid -> invalid.errors();
        };
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> key(Map<String, Object> llm, int index) {
        return ((List<Map<String, Object>>) llm.get("keys")).get(index);
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> team(Map<String, Object> llm, int index) {
        return ((List<Map<String, Object>>) llm.get("teams")).get(index);
    }

    @SuppressWarnings("unchecked")
    static List<Object> teams(Map<String, Object> llm) {
        return (List<Object>) llm.get("teams");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> prices(Map<String, Object> llm) {
        return (Map<String, Object>) llm.get("prices");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> price(Map<String, Object> llm, String model) {
        return (Map<String, Object>) ((Map<String, Object>) llm.get("prices")).get(model);
    }

    static Limits limits(Long rpm, Long tpm, Long maxParallel, Budget budget) {
        return new Limits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(maxParallel),
                Optional.ofNullable(budget));
    }

    static NanoUsd usd(String amount) {
        return NanoUsd.ofUsd(new java.math.BigDecimal(amount)).orElseThrow();
    }

    /** The errors of the contract policy with one change, expected to be exactly {@code expected}. */
    static void refusedWith(Map<String, Object> llm, FieldError... expected) {
        assertEquals(List.of(expected), errors(llm));
    }

    @Nested
    class AValidPolicy {
        private final GovernancePolicy policy = valid(contractPolicy(), List.of("sk-inbound"));

        @Test
        void principalsAreTheInboundKeysThenTheConfiguredKeysInOrder() {
            assertEquals(List.of("inbound-1", "planner-prod", "batch", "solo"),
                    policy.principals().stream().map(Principal::id).toList());
            assertTrue(policy.authRequired());
        }

        @Test
        void theEffectiveAllowListIsServiceTeamAndKeyIntersectedInServiceOrder() {
            assertEquals(List.of("gpt-4.1-mini", "sim-fast"),
                    policy.principal("planner-prod").orElseThrow().allowed().models());
            // No key list: the team's narrowing alone.
            assertEquals(List.of("gpt-4.1-mini", "sim-fast"), policy.principal("batch").orElseThrow().allowed().models());
            // No team: the service's list narrowed by the key's, in the service's order.
            assertEquals(List.of("gpt-5-mini", "claude-sonnet-4-5"),
                    policy.principal("solo").orElseThrow().allowed().models());
            assertEquals(ALLOWED.models(), policy.principal("inbound-1").orElseThrow().allowed().models());
        }

        @Test
        void aKeyOfATeamHasItsKeyThenItsTeamAsPartiesInTheTeamsSlot() {
            Principal planner = policy.principal("planner-prod").orElseThrow();
            assertEquals(new Principal("planner-prod", Optional.of("research"), Optional.of("planner"),
                    planner.allowed(), List.of(
                    new LimitedParty("planner-prod", LimitedParty.Kind.KEY, "research",
                            limits(60L, 100_000L, 4L, new Budget(usd("5"), BudgetPeriod.DAILY))),
                    new LimitedParty("research", LimitedParty.Kind.TEAM, "research",
                            limits(600L, 200_000L, null, new Budget(usd("100"), BudgetPeriod.MONTHLY))))), planner);
        }

        @Test
        void aKeyWithoutTeamIsAloneInItsOwnSlot() {
            assertEquals(List.of(new LimitedParty("solo", LimitedParty.Kind.KEY, "solo",
                    limits(10L, null, null, null))), policy.principal("solo").orElseThrow().parties());
            assertEquals(List.of(), policy.principal("inbound-1").orElseThrow().parties());
        }

        @Test
        void budgetedPartiesAreEveryKeyOrTeamWithABudgetOnce() {
            assertEquals(List.of("KEY:planner-prod", "TEAM:research"), policy.budgetedParties().stream()
                    .map(party -> party.kind() + ":" + party.id()).toList());
        }

        @Test
        void pricesAreHeldInNanoDollarsPerMillionTokens() {
            assertEquals(Optional.of(new Price(400_000_000L, 1_600_000_000L, Optional.of(100_000_000L),
                    Optional.empty())), policy.prices().of("gpt-4.1-mini"));
            assertEquals(Optional.of(new Price(3_000_000_000L, 15_000_000_000L, Optional.of(300_000_000L),
                    Optional.of(3_750_000_000L))), policy.prices().of("claude-sonnet-4-5"));
            assertEquals(Optional.empty(), policy.prices().of("gpt-5-mini"));
        }

        @Test
        void anUpperCaseDigestIsTheSameKey() {
            var caller = policy.authenticate(List.of(BATCH_KEY), java.time.Instant.parse("2026-06-01T00:00:00Z"));
            assertEquals("batch", ((Authentication.Accepted) caller).caller().id());
        }

        @Test
        void anEmptyPolicyWithoutInboundKeysLeavesAuthOff() {
            GovernancePolicy empty = valid(Map.of(), List.of());
            assertEquals(false, empty.authRequired());
            assertEquals(List.of(), empty.principals());
        }
    }

    @Nested
    class BadInput {

        @Test
        void aDuplicateKeyDigestIsRefused() {
            var llm = contractPolicy();
            key(llm, 2).put("sha256", GovernancePolicy.sha256(PLANNER_KEY));
            refusedWith(llm, new FieldError("llm.keys[2].sha256",
                    "is the digest of a key that is already configured (LLM_INBOUND_API_KEYS or another entry)"));
        }

        @Test
        void aKeyThatIsAlsoAnInboundKeyIsRefused() {
            var result = GovernancePolicyParser.parse(contractPolicy(), CATALOG, ALLOWED, List.of(BATCH_KEY));
            assertEquals(new Validated.Invalid<GovernancePolicy>(List.of(new FieldError("llm.keys[1].sha256",
                    "is the digest of a key that is already configured (LLM_INBOUND_API_KEYS or another entry)"))),
                    result);
        }

        @Test
        void aDuplicateKeyIdIsRefused() {
            var llm = contractPolicy();
            key(llm, 2).put("id", "batch");
            refusedWith(llm, new FieldError("llm.keys[2].id", "key 'batch' is configured twice"));
        }

        @Test
        void aDuplicateTeamIdIsRefused() {
            var llm = contractPolicy();
            teams(llm).add(map("id", "research"));
            refusedWith(llm, new FieldError("llm.teams[1].id", "team 'research' is configured twice"));
        }

        @Test
        void aKeyOfATeamThatDoesNotExistIsRefused() {
            var llm = contractPolicy();
            key(llm, 1).put("team", "reserch");
            refusedWith(llm, new FieldError("llm.keys[1].team", "team 'reserch' is not configured in llm.teams"));
        }

        @Test
        void rpmTpmAndMaxParallelMustBeWholeNumbersAboveZero() {
            var llm = contractPolicy();
            key(llm, 0).put("rpm", "-1");
            key(llm, 0).put("tpm", Double.NaN);
            key(llm, 0).put("max-parallel", "2.5");
            team(llm, 0).put("rpm", 0);
            team(llm, 0).put("tpm", "many");
            refusedWith(llm,
                    new FieldError("llm.teams[0].rpm", COUNT_RULE),
                    new FieldError("llm.teams[0].tpm", "must be a number"),
                    new FieldError("llm.keys[0].rpm", COUNT_RULE),
                    new FieldError("llm.keys[0].tpm", "must be a number"),
                    new FieldError("llm.keys[0].max-parallel", COUNT_RULE));
        }

        @Test
        void aWholeNumberWrittenWithADecimalPointIsAccepted() {
            var llm = contractPolicy();
            key(llm, 0).put("rpm", "60.0");
            key(llm, 0).put("tpm", 100000.0);
            assertEquals(Optional.of(60L), valid(llm, List.of()).principal("planner-prod").orElseThrow()
                    .key().orElseThrow().limits().rpm());
        }

        @Test
        void negativeOrNanPricesAreRefused() {
            var llm = contractPolicy();
            price(llm, "gpt-4.1-mini").put("input", "-0.40");
            price(llm, "sim-fast").put("output", Double.NaN);
            price(llm, "claude-sonnet-4-5").put("cache-write", -3.75);
            var errors = errors(llm);
            assertTrue(errors.contains(new FieldError("llm.prices.gpt-4.1-mini.input", RATE_RULE)), errors::toString);
            assertTrue(errors.contains(new FieldError("llm.prices.sim-fast.output", "must be a number")),
                    errors::toString);
            assertTrue(errors.contains(new FieldError("llm.prices.claude-sonnet-4-5.cache-write", RATE_RULE)),
                    errors::toString);
        }

        @Test
        void aPriceWithMoreThanNineDecimalsIsRefusedAndNineAreAccepted() {
            var llm = contractPolicy();
            price(llm, "sim-fast").put("input", "0.1234567891");
            var errors = errors(llm);
            assertTrue(errors.contains(new FieldError("llm.prices.sim-fast.input", RATE_RULE)), errors::toString);

            var nine = contractPolicy();
            price(nine, "sim-fast").put("input", "0.123456789");
            assertEquals(123_456_789L, valid(nine, List.of()).prices().of("sim-fast").orElseThrow().input());
        }

        @Test
        void aPriceForAModelOutsideTheCatalogIsRefused() {
            var llm = contractPolicy();
            prices(llm).put("gpt-9", map("input", 1, "output", 2));
            refusedWith(llm, new FieldError("llm.prices.gpt-9", "'gpt-9' is not in the model catalog"));
        }

        @Test
        void aBudgetPeriodOtherThanTheFourIsRefused() {
            var llm = contractPolicy();
            key(llm, 0).put("budget", map("usd", 5, "period", "yearly"));
            refusedWith(llm, new FieldError("llm.keys[0].budget.period", "must be one of daily, weekly, monthly, total"));
        }

        @Test
        void aBudgetMustBeANonNegativeAmountWithAtMostNineDecimals() {
            var llm = contractPolicy();
            key(llm, 0).put("budget", map("usd", "-1", "period", "daily"));
            team(llm, 0).put("budget", map("usd", "0.0000000001", "period", "weekly"));
            refusedWith(llm,
                    new FieldError("llm.teams[0].budget.usd", "must be a number >= 0 with at most 9 decimal places"),
                    new FieldError("llm.keys[0].budget.usd", "must be a number >= 0 with at most 9 decimal places"));
        }

        @Test
        void aModelListNamingAModelOutsideTheCatalogNamesTheEntry() {
            var llm = contractPolicy();
            key(llm, 0).put("models", List.of("sim-fast", "gpt-9"));
            team(llm, 0).put("models", List.of("sim-fast", "gpt-4.1-mini", "claude-9"));
            refusedWith(llm,
                    new FieldError("llm.teams[0].models[2]", "'claude-9' is not in the model catalog"),
                    new FieldError("llm.keys[0].models[1]", "'gpt-9' is not in the model catalog"));
        }

        @Test
        void aDigestThatIsNot64HexCharactersIsRefused() {
            var llm = contractPolicy();
            key(llm, 2).put("sha256", GovernancePolicy.sha256(SOLO_KEY).substring(1) + "g");
            refusedWith(llm, new FieldError("llm.keys[2].sha256", "must be 64 hex characters"));

            var shorter = contractPolicy();
            key(shorter, 2).put("sha256", GovernancePolicy.sha256(SOLO_KEY).substring(1));
            refusedWith(shorter, new FieldError("llm.keys[2].sha256", "must be 64 hex characters"));
        }

        @Test
        void aMissingIdOrDigestIsRequired() {
            var llm = contractPolicy();
            key(llm, 1).remove("sha256");
            key(llm, 2).remove("id");
            refusedWith(llm, new FieldError("llm.keys[1].sha256", "is required"),
                    new FieldError("llm.keys[2].id", "is required"));
        }

        @Test
        void unknownMemberNamesAreRefusedByName() {
            var llm = contractPolicy();
            key(llm, 0).put("max_parallel", 4);
            team(llm, 0).put("rmp", 600);
            price(llm, "sim-fast").put("cached_input", "0.01");
            key(llm, 0).put("budget", map("usd", 5.0, "period", "daily", "perod", "daily"));
            refusedWith(llm,
                    new FieldError("llm.prices.sim-fast.cached_input",
                            "is not a known setting; known: [cache-write, cached-input, input, output]"),
                    new FieldError("llm.teams[0].rmp", "is not a known setting; known: [budget, id, "
                            + "max-parallel, models, rpm, tpm]"),
                    new FieldError("llm.keys[0].max_parallel", REQUIRED_KNOWN_KEYS),
                    new FieldError("llm.keys[0].budget.perod", "is not a known setting; known: [period, usd]"));
        }

        @Test
        void aBudgetOnAKeyThatMayUseAnUnpricedModelIsRefusedNamingTheModel() {
            var llm = contractPolicy();
            key(llm, 2).put("budget", map("usd", 1, "period", "total"));
            refusedWith(llm, new FieldError("llm.keys[2].budget",
                    "model 'gpt-5-mini' may be called under this budget but has no price in llm.prices"));
        }

        @Test
        void aBudgetOnATeamThatMayUseAnUnpricedModelIsRefused() {
            var llm = contractPolicy();
            team(llm, 0).put("models", List.of("sim-fast", "gpt-4.1-mini", "gpt-5-mini"));
            key(llm, 0).put("models", List.of("sim-fast"));
            refusedWith(llm, new FieldError("llm.teams[0].budget",
                    "model 'gpt-5-mini' may be called under this budget but has no price in llm.prices"));
        }

        @Test
        void aKeyBudgetWithoutAnyModelListReachesEveryServiceModel() {
            var llm = contractPolicy();
            key(llm, 2).remove("models");
            key(llm, 2).put("budget", map("usd", 1, "period", "weekly"));
            refusedWith(llm, new FieldError("llm.keys[2].budget",
                    "model 'gpt-5-mini' may be called under this budget but has no price in llm.prices"));
        }

        @Test
        void expiresAtMustBeIso8601WithAnOffset() {
            var llm = contractPolicy();
            key(llm, 2).put("expires-at", "31/01/2027");
            refusedWith(llm, new FieldError("llm.keys[2].expires-at",
                    "must be an ISO-8601 date-time with an offset, such as 2027-01-31T00:00:00Z"));
        }

        @Test
        void disabledMustBeABoolean() {
            var llm = contractPolicy();
            key(llm, 2).put("disabled", "yes");
            refusedWith(llm, new FieldError("llm.keys[2].disabled", "must be true or false"));
        }

        @Test
        void disabledAsABooleanOrItsStringIsAccepted() {
            var llm = contractPolicy();
            key(llm, 2).put("disabled", true);
            key(llm, 1).put("disabled", "true");
            valid(llm, List.of());
        }

        @Test
        void everyBrokenPathComesBackInOneResult() {
            var llm = contractPolicy();
            price(llm, "claude-sonnet-4-5").put("cache-write", "-1");
            team(llm, 0).put("rpm", "abc");
            key(llm, 0).put("models", List.of("sim-fast", "gpt-9"));
            key(llm, 1).put("team", "nobody");
            key(llm, 2).put("sha256", "abc");
            key(llm, 2).put("expires-at", "tomorrow");
            key(llm, 2).put("disabled", "maybe");
            key(llm, 2).put("colour", "blue");
            var errors = errors(llm);
            assertEquals(List.of("llm.prices.claude-sonnet-4-5.cache-write", "llm.teams[0].rpm", "llm.keys[0].models[1]",
                    "llm.keys[1].team", "llm.keys[2].colour", "llm.keys[2].sha256", "llm.keys[2].expires-at",
                    "llm.keys[2].disabled"), errors.stream().map(FieldError::field).toList());
        }

        @Test
        void nodesOfTheWrongShapeAreNamed() {
            refusedWith(map("prices", List.of(), "teams", "research", "keys", map("id", "x")),
                    new FieldError("llm.prices", "must be a mapping"),
                    new FieldError("llm.teams", "must be a list"),
                    new FieldError("llm.keys", "must be a list"));
        }
    }
}
