package io.llmclient.domain.governance;

import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.validation.Validated;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the per-caller policy under {@code llm:} ({@code prices}, {@code teams}, {@code keys};
 * contract section 10) from plain values (maps, lists, strings, numbers, booleans, as a YAML or
 * configuration tree gives them) and checks all of it at once: every broken path is reported,
 * such as {@code llm.keys[2].sha256: must be 64 hex characters}.
 */
public final class GovernancePolicyParser {
    private static final Pattern ID = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");
    private static final Pattern HEX64 = Pattern.compile("[0-9a-fA-F]{64}");
    private static final String ID_RULE = "must match [a-z0-9][a-z0-9._-]{0,62}";
    private static final BigDecimal MAX_RATE = BigDecimal.valueOf(1_000_000);
    private static final Set<String> PRICE_MEMBERS = Set.of("input", "output", "cached-input", "cache-write");
    private static final Set<String> TEAM_MEMBERS = Set.of("id", "models", "rpm", "tpm", "max-parallel", "budget");
    private static final Set<String> KEY_MEMBERS = Set.of("id", "sha256", "team", "source-agent", "models", "rpm",
            "tpm", "max-parallel", "budget", "expires-at", "disabled");

    private final ModelCatalog catalog;
    private final AllowList allowed;
    private final List<FieldError> errors = new ArrayList<>();

    private GovernancePolicyParser(ModelCatalog catalog, AllowList allowed) {
        this.catalog = catalog;
        this.allowed = allowed;
    }

    /**
     * The policy, or every problem with it.
     *
     * @param llm         the {@code llm} node; only {@code prices}, {@code teams} and {@code keys} are read
     * @param catalog     the models that exist
     * @param allowed     the service's allow-list ({@code ALLOWED_MODELS}, the simulator's models included)
     * @param inboundKeys the keys of {@code LLM_INBOUND_API_KEYS}, principals {@code inbound-<n>}
     */
    public static Validated<GovernancePolicy> parse(Map<String, ?> llm, ModelCatalog catalog, AllowList allowed,
                                                    List<String> inboundKeys) {
        return new GovernancePolicyParser(catalog, allowed).policy(llm, inboundKeys);
    }

    private Validated<GovernancePolicy> policy(Map<String, ?> llm, List<String> inboundKeys) {
        Prices prices = prices(llm.get("prices"));
        Map<String, Team> teams = teams(llm.get("teams"), prices);
        List<KeyEntry> keys = keys(llm.get("keys"), teams, prices);
        var byDigest = new LinkedHashMap<String, Principal>();
        var keysByDigest = new HashMap<String, KeyEntry>();
        var principals = new ArrayList<Principal>();
        for (int i = 0; i < inboundKeys.size(); i++) {
            var principal = Principal.unlimited("inbound-" + (i + 1), allowed);
            byDigest.putIfAbsent(GovernancePolicy.sha256(inboundKeys.get(i)), principal);
            principals.add(principal);
        }
        for (int i = 0; i < keys.size(); i++) {
            KeyEntry key = keys.get(i);
            if (byDigest.containsKey(key.sha256())) {
                errors.add(new FieldError("llm.keys[" + i + "].sha256",
                        "is the digest of a key that is already configured (LLM_INBOUND_API_KEYS or another entry)"));
                continue;
            }
            Principal principal = principalOf(key, key.team().map(teams::get));
            byDigest.put(key.sha256(), principal);
            keysByDigest.put(key.sha256(), key);
            principals.add(principal);
        }
        if (!errors.isEmpty()) {
            return new Validated.Invalid<>(errors);
        }
        return new Validated.Valid<>(new GovernancePolicy(byDigest, keysByDigest, allowed, prices, principals));
    }

    private Principal principalOf(KeyEntry key, Optional<Team> team) {
        AllowList effective = allowed.narrowedTo(team.flatMap(Team::models)).narrowedTo(key.models());
        String slot = key.team().orElse(key.id());
        var parties = new ArrayList<LimitedParty>();
        parties.add(new LimitedParty(key.id(), LimitedParty.Kind.KEY, slot, key.limits()));
        team.ifPresent(t -> parties.add(new LimitedParty(t.id(), LimitedParty.Kind.TEAM, slot, t.limits())));
        return new Principal(key.id(), key.team(), key.sourceAgent(), effective, parties);
    }

    private Prices prices(Object node) {
        var prices = new HashMap<String, Price>();
        for (Map.Entry<String, ?> entry : map(node, "llm.prices").entrySet()) {
            String path = "llm.prices." + entry.getKey();
            if (!catalog.contains(entry.getKey())) {
                errors.add(new FieldError(path, "'" + entry.getKey() + "' is not in the model catalog"));
                continue;
            }
            Map<String, ?> members = map(entry.getValue(), path);
            unknownMembers(members, PRICE_MEMBERS, path);
            Optional<Long> input = rate(members, "input", path, true);
            Optional<Long> output = rate(members, "output", path, true);
            Optional<Long> cachedInput = rate(members, "cached-input", path, false);
            Optional<Long> cacheWrite = rate(members, "cache-write", path, false);
            if (input.isPresent() && output.isPresent()) {
                prices.put(entry.getKey(), new Price(input.get(), output.get(), cachedInput, cacheWrite));
            }
        }
        return new Prices(prices);
    }

    private Map<String, Team> teams(Object node, Prices prices) {
        var teams = new LinkedHashMap<String, Team>();
        List<?> items = list(node, "llm.teams");
        for (int i = 0; i < items.size(); i++) {
            String path = "llm.teams[" + i + "]";
            Map<String, ?> members = map(items.get(i), path);
            unknownMembers(members, TEAM_MEMBERS, path);
            Optional<String> id = id(members, path);
            Optional<List<String>> models = models(members.get("models"), path + ".models");
            Limits limits = limits(members, path);
            if (id.isEmpty()) {
                continue;
            }
            if (teams.containsKey(id.get())) {
                errors.add(new FieldError(path + ".id", "team '" + id.get() + "' is configured twice"));
                continue;
            }
            var team = new Team(id.get(), models, limits);
            if (limits.budget().isPresent()) {
                unpriced(allowed.narrowedTo(models), prices, path + ".budget");
            }
            teams.put(id.get(), team);
        }
        return teams;
    }

    private List<KeyEntry> keys(Object node, Map<String, Team> teams, Prices prices) {
        var keys = new ArrayList<KeyEntry>();
        var ids = new HashSet<String>();
        List<?> items = list(node, "llm.keys");
        for (int i = 0; i < items.size(); i++) {
            String path = "llm.keys[" + i + "]";
            Map<String, ?> members = map(items.get(i), path);
            unknownMembers(members, KEY_MEMBERS, path);
            Optional<String> id = id(members, path);
            id.filter(known -> !ids.add(known)).ifPresent(duplicate -> errors.add(new FieldError(path + ".id",
                    "key '" + duplicate + "' is configured twice")));
            Optional<String> digest = text(members.get("sha256"), path + ".sha256", true)
                    .filter(hex -> check(HEX64.matcher(hex).matches(), path + ".sha256", "must be 64 hex characters"))
                    .map(hex -> hex.toLowerCase(Locale.ROOT));
            Optional<String> team = text(members.get("team"), path + ".team", false);
            team.filter(name -> !teams.containsKey(name)).ifPresent(name -> errors.add(new FieldError(path + ".team",
                    "team '" + name + "' is not configured in llm.teams")));
            Optional<String> sourceAgent = text(members.get("source-agent"), path + ".source-agent", false);
            Optional<List<String>> models = models(members.get("models"), path + ".models");
            Limits limits = limits(members, path);
            Optional<Instant> expiresAt = instant(members.get("expires-at"), path + ".expires-at");
            boolean disabled = bool(members.get("disabled"), path + ".disabled");
            if (limits.budget().isPresent()) {
                AllowList reach = allowed.narrowedTo(team.map(teams::get).flatMap(Team::models)).narrowedTo(models);
                unpriced(reach, prices, path + ".budget");
            }
            if (id.isPresent() && digest.isPresent()) {
                keys.add(new KeyEntry(id.get(), digest.get(), team.filter(teams::containsKey), sourceAgent, models,
                        limits, expiresAt, disabled));
            }
        }
        return keys;
    }

    // A budget can only be kept when every model its principal may call has a price.
    private void unpriced(AllowList reach, Prices prices, String path) {
        reach.models().stream().filter(model -> prices.of(model).isEmpty()).forEach(model -> errors.add(
                new FieldError(path, "model '" + model + "' may be called under this budget but has no price in "
                        + "llm.prices")));
    }

    private Limits limits(Map<String, ?> members, String path) {
        return new Limits(count(members.get("rpm"), path + ".rpm"), count(members.get("tpm"), path + ".tpm"),
                count(members.get("max-parallel"), path + ".max-parallel"), budget(members.get("budget"),
                        path + ".budget"));
    }

    private Optional<Budget> budget(Object node, String path) {
        if (node == null) {
            return Optional.empty();
        }
        Map<String, ?> members = map(node, path);
        unknownMembers(members, Set.of("usd", "period"), path);
        Optional<NanoUsd> usd = decimal(members.get("usd"), path + ".usd", true).flatMap(value -> {
            Optional<NanoUsd> amount = NanoUsd.ofUsd(value);
            check(amount.isPresent(), path + ".usd", "must be a number >= 0 with at most 9 decimal places");
            return amount;
        });
        Optional<BudgetPeriod> period = text(members.get("period"), path + ".period", true).flatMap(name -> {
            Optional<BudgetPeriod> known = BudgetPeriod.fromWire(name);
            check(known.isPresent(), path + ".period", "must be one of daily, weekly, monthly, total");
            return known;
        });
        return usd.isPresent() && period.isPresent() ? Optional.of(new Budget(usd.get(), period.get()))
                : Optional.empty();
    }

    private Optional<Long> rate(Map<String, ?> members, String name, String path, boolean required) {
        return decimal(members.get(name), path + "." + name, required).flatMap(value -> {
            boolean valid = value.signum() >= 0 && value.compareTo(MAX_RATE) <= 0
                    && value.stripTrailingZeros().scale() <= 9;
            check(valid, path + "." + name, "must be USD per million tokens, >= 0 and <= 1000000, with at most "
                    + "9 decimal places");
            return valid ? Optional.of(value.movePointRight(9).longValueExact()) : Optional.empty();
        });
    }

    private Optional<Long> count(Object node, String path) {
        return decimal(node, path, false).flatMap(value -> {
            boolean valid = value.signum() > 0 && value.stripTrailingZeros().scale() <= 0
                    && value.compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) <= 0;
            check(valid, path, "must be a whole number from 1 to 2147483647");
            return valid ? Optional.of(value.longValueExact()) : Optional.empty();
        });
    }

    private Optional<BigDecimal> decimal(Object node, String path, boolean required) {
        if (node == null) {
            check(!required, path, "is required");
            return Optional.empty();
        }
        try {
            return Optional.of(new BigDecimal(node.toString().strip()));
        } catch (NumberFormatException notANumber) {
            errors.add(new FieldError(path, "must be a number"));
            return Optional.empty();
        }
    }

    private Optional<List<String>> models(Object node, String path) {
        if (node == null) {
            return Optional.empty();
        }
        var models = new ArrayList<String>();
        List<?> items = list(node, path);
        for (int i = 0; i < items.size(); i++) {
            String model = String.valueOf(items.get(i)).strip();
            if (!catalog.contains(model)) {
                errors.add(new FieldError(path + "[" + i + "]", "'" + model + "' is not in the model catalog"));
            }
            models.add(model);
        }
        return Optional.of(models);
    }

    private Optional<String> id(Map<String, ?> members, String path) {
        return text(members.get("id"), path + ".id", true)
                .filter(id -> check(ID.matcher(id).matches(), path + ".id", ID_RULE));
    }

    private Optional<Instant> instant(Object node, String path) {
        return text(node, path, false).flatMap(value -> {
            try {
                return Optional.of(OffsetDateTime.parse(value).toInstant());
            } catch (DateTimeParseException notIso) {
                errors.add(new FieldError(path, "must be an ISO-8601 date-time with an offset, such as "
                        + "2027-01-31T00:00:00Z"));
                return Optional.empty();
            }
        });
    }

    private boolean bool(Object node, String path) {
        if (node == null) {
            return false;
        }
        String value = node.toString().strip();
        check(value.equals("true") || value.equals("false"), path, "must be true or false");
        return value.equals("true");
    }

    private Optional<String> text(Object node, String path, boolean required) {
        if (node instanceof Map<?, ?> || node instanceof List<?>) {
            errors.add(new FieldError(path, "must be a string"));
            return Optional.empty();
        }
        String value = node == null ? "" : node.toString().strip();
        if (value.isEmpty()) {
            check(!required, path, "is required");
            return Optional.empty();
        }
        return Optional.of(value);
    }

    private void unknownMembers(Map<String, ?> members, Set<String> known, String path) {
        members.keySet().stream().filter(name -> !known.contains(name)).sorted().forEach(name -> errors.add(
                new FieldError(path + "." + name, "is not a known setting; known: " + known.stream().sorted()
                        .toList())));
    }

    @SuppressWarnings("unchecked")
    private Map<String, ?> map(Object node, String path) {
        if (node == null) {
            return Map.of();
        }
        if (node instanceof Map<?, ?> map) {
            return (Map<String, ?>) map;
        }
        errors.add(new FieldError(path, "must be a mapping"));
        return Map.of();
    }

    private List<?> list(Object node, String path) {
        if (node == null) {
            return List.of();
        }
        if (node instanceof List<?> list) {
            return list;
        }
        errors.add(new FieldError(path, "must be a list"));
        return List.of();
    }

    private boolean check(boolean holds, String path, String rule) {
        if (!holds) {
            errors.add(new FieldError(path, rule));
        }
        return holds;
    }
}
