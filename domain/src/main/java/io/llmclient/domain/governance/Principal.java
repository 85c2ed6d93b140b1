package io.llmclient.domain.governance;

import io.llmclient.domain.failure.FieldError;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who is calling, with everything the checks of a request need already worked out: the
 * effective allow-list ({@code ALLOWED_MODELS} ∩ team ∩ key), the {@code source_agent} the key may
 * claim, and the parties whose limits apply (the key first, then its team).
 *
 * @param id          the key id, {@code inbound-<n>} or {@code anonymous}
 * @param team        the key's team id
 * @param sourceAgent the only {@code source_agent} this principal may claim
 * @param allowed     the models it may call, in the service's order
 * @param parties     whose limits apply, key first; empty when nothing limits it
 */
public record Principal(String id, Optional<String> team, Optional<String> sourceAgent, AllowList allowed,
                        List<LimitedParty> parties) {
    /** The principal of every caller when inbound auth is off. */
    public static final String ANONYMOUS = "anonymous";

    public Principal {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(team, "team");
        Objects.requireNonNull(sourceAgent, "sourceAgent");
        Objects.requireNonNull(allowed, "allowed");
        parties = List.copyOf(parties);
    }

    /** A principal with no limits and the given allow-list. */
    public static Principal unlimited(String id, AllowList allowed) {
        return new Principal(id, Optional.empty(), Optional.empty(), allowed, List.of());
    }

    /**
     * The refusal of a request that claims a {@code source_agent} this principal may not claim: a key
     * bound to one agent may not speak for another. Empty when the claim is allowed (or absent).
     */
    public Optional<FieldError> refusedClaim(Optional<String> claimed) {
        return sourceAgent.filter(own -> claimed.isPresent() && !claimed.get().equals(own))
                .map(own -> new FieldError("source_agent",
                        "must be '" + own + "', the only source_agent this API key may claim"));
    }

    /** The agent a request speaks for: what it claims, else the one its key is bound to. */
    public Optional<String> speaksFor(Optional<String> claimed) {
        return claimed.or(() -> sourceAgent);
    }

    /** Whether any limit or budget applies to it (fail-closed state refuses only these). */
    public boolean limited() {
        return parties.stream().anyMatch(party -> party.limits().limitsAnything());
    }

    /** Its key's party, when it is a configured key. */
    public Optional<LimitedParty> key() {
        return parties.stream().filter(party -> party.kind() == LimitedParty.Kind.KEY).findFirst();
    }

    /** Its team's party, when its key has a team. */
    public Optional<LimitedParty> teamParty() {
        return parties.stream().filter(party -> party.kind() == LimitedParty.Kind.TEAM).findFirst();
    }
}
