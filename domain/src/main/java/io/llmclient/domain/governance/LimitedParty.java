package io.llmclient.domain.governance;

import java.util.Objects;

/**
 * One key or team whose limits a request is checked against, as the state that keeps windows,
 * in-flight counts and spend sees it.
 *
 * @param id      the key or team id: {@code data.principal} when its limit refuses a request
 * @param kind    whether it is a key or a team (their ids may coincide)
 * @param slot    the group its state lives in: the team id, else the key id (contract section 14),
 *                so that one atomic step can check a key and its team together
 * @param limits  what it may use
 */
public record LimitedParty(String id, Kind kind, String slot, Limits limits) {
    /** Keys and teams keep their state apart. */
    public enum Kind { KEY, TEAM }

    public LimitedParty {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(slot, "slot");
        Objects.requireNonNull(limits, "limits");
    }

    /** This party with only the limits that apply to a request counting toward rpm only. */
    public LimitedParty requestsOnly() {
        return new LimitedParty(id, kind, slot, limits.requestsOnly());
    }
}
