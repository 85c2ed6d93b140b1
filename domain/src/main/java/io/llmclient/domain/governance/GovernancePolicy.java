package io.llmclient.domain.governance;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The per-caller policy (contract section 10): configured keys and teams, the keys of
 * {@code LLM_INBOUND_API_KEYS}, and the prices of catalog models. Immutable: a reload builds a new
 * one, and a request keeps the one it started under. Built by {@link GovernancePolicyParser},
 * which has already worked out every principal's effective allow-list and limits.
 */
public final class GovernancePolicy {
    // One message for a missing and an unknown key: a refusal does not tell which keys exist.
    private static final String MISSING = "Missing or invalid API key: send Authorization: Bearer <key> or "
            + "x-api-key: <key>";
    private static final String INVALID = MISSING;
    private static final String CONFLICTING = "Authorization and x-api-key carry different keys";

    private final Map<String, Principal> principalsByDigest;
    private final Map<String, KeyEntry> keysByDigest;
    private final List<Principal> principals;
    private final Principal anonymous;
    private final Prices prices;
    private final boolean authRequired;
    // Derived once: every request of an auth-off service is this caller, and the gauges read the parties.
    private final Authentication.Accepted anonymousAccepted;
    private final List<LimitedParty> budgetedParties;

    GovernancePolicy(Map<String, Principal> principalsByDigest, Map<String, KeyEntry> keysByDigest,
                     AllowList allowed, Prices prices, List<Principal> principals) {
        this.principalsByDigest = Map.copyOf(principalsByDigest);
        this.keysByDigest = Map.copyOf(keysByDigest);
        this.principals = List.copyOf(principals);
        this.anonymous = Principal.unlimited(Principal.ANONYMOUS, allowed);
        this.prices = Objects.requireNonNull(prices, "prices");
        this.authRequired = !principalsByDigest.isEmpty();
        this.anonymousAccepted = new Authentication.Accepted(new Caller(anonymous, prices));
        this.budgetedParties = budgeted(this.principals);
    }

    /** A policy without keys or prices: every caller is {@code anonymous}, allowed {@code allowed}. */
    public static GovernancePolicy open(AllowList allowed) {
        return new GovernancePolicy(Map.of(), Map.of(), allowed, Prices.NONE, List.of());
    }

    /** Whether requests must present a key (configured keys or {@code LLM_INBOUND_API_KEYS}). */
    public boolean authRequired() {
        return authRequired;
    }

    /**
     * Who presents these credentials at {@code now}. {@code presented} are the keys the request
     * carries (from {@code Authorization: Bearer} and {@code x-api-key}; the same key in both is one).
     * With auth off every caller is {@code anonymous}, whatever it presents.
     */
    public Authentication authenticate(List<String> presented, Instant now) {
        if (!authRequired) {
            return anonymousAccepted;
        }
        if (presented.isEmpty() || presented.contains("")) {
            return new Authentication.Rejected(MISSING);
        }
        if (presented.stream().distinct().count() > 1) {
            return new Authentication.Rejected(CONFLICTING);
        }
        String digest = sha256(presented.getFirst());
        // Found by digest: a lookup's timing can at most hint at a digest's first bytes, which says
        // nothing about any key (docs/decisions.md, 'Keys are looked up by digest').
        Principal principal = principalsByDigest.get(digest);
        if (principal == null) {
            return new Authentication.Rejected(INVALID);
        }
        KeyEntry key = keysByDigest.get(digest);
        if (key != null && !key.usableAt(now)) {
            return new Authentication.Rejected(key.disabled() ? "API key disabled" : "API key expired");
        }
        return new Authentication.Accepted(new Caller(principal, prices));
    }

    /** The caller of every request while auth is off, with this policy's prices. */
    public Caller anonymousCaller() {
        return anonymousAccepted.caller();
    }

    /** The principal of callers when auth is off. */
    public Principal anonymous() {
        return anonymous;
    }

    /** Every configured principal ({@code inbound-<n>} and keys), in configuration order. */
    public List<Principal> principals() {
        return principals;
    }

    /** Every key or team with a budget, once each, for the spend and limit gauges. */
    public List<LimitedParty> budgetedParties() {
        return budgetedParties;
    }

    private static List<LimitedParty> budgeted(List<Principal> principals) {
        var parties = new LinkedHashMap<String, LimitedParty>();
        principals.forEach(principal -> principal.parties().stream()
                .filter(party -> party.limits().budget().isPresent())
                .forEach(party -> parties.putIfAbsent(party.kind() + ":" + party.id(), party)));
        return List.copyOf(parties.values());
    }

    /** The price list. */
    public Prices prices() {
        return prices;
    }

    /** The SHA-256 of a key's UTF-8 bytes, as 64 lower-case hex characters. */
    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException impossible) {
            throw new IllegalStateException("every Java runtime has SHA-256", impossible);
        }
    }

    /** The principal with this id, if configured. */
    public Optional<Principal> principal(String id) {
        return principals.stream().filter(principal -> principal.id().equals(id)).findFirst();
    }
}
