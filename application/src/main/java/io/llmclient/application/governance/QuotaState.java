package io.llmclient.application.governance;

import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Instant;
import java.util.List;

/**
 * The port for what per-caller limits count: requests in rolling rpm windows, tokens in tpm
 * windows, requests in flight, and spend per period. In process by default; the shared-state
 * adapter keeps the same state for all replicas. Each method is one atomic step (one script or
 * command on a shared store), so that a request costs at most two round trips: {@link #admit} and
 * the settlement of its admission. Shared-state adapters throw
 * {@link io.llmclient.application.state.StateUnavailableException} when the store does not answer. State is kept per party (key or team), and survives a policy reload.
 */
public interface QuotaState {

    /**
     * Checks the parties in order, key before team: their rpm, tpm and max-parallel limits first
     * (refused with {@code QuotaExceeded}), then their budgets ({@code BudgetExceeded}). Only when
     * all pass is the request counted: one request in each rpm window, one slot in each
     * max-parallel count. A refused request consumes nothing.
     */
    Admission admit(List<LimitedParty> parties, Instant now);

    /**
     * As {@link #admit}, asking for up to {@code wanted} requests of the same parties at once: the
     * store admits more than the asking one only where every party has room to spare, and counts
     * them all now. A state with no round trip to save admits one (this default).
     */
    default Grant admitSeveral(List<LimitedParty> parties, int wanted, Instant now) {
        return Grant.single(admit(parties, now));
    }

    /**
     * As {@link #admitSeveral} without an asking request: up to {@code wanted} requests ahead (at
     * least two), only where every party has room to spare, none otherwise; a grant's
     * {@code admission} then carries the standings, and only its {@code more} are counted. How a
     * replica renews an allowance before it runs out. A state that never admits ahead admits
     * nothing (this default).
     */
    default Grant admitAhead(List<LimitedParty> parties, int wanted, Instant now) {
        return Grant.single(new Admission.Admitted(standings(parties, now), (tokens, cost, at) -> { }));
    }

    /**
     * Gives back {@code unused} requests admitted ahead that were never handed out, counted where
     * {@code grant} counted its own (a grant's requests and those of earlier grants of the same
     * second carried over with them): their counts in the rpm windows (while those still hold
     * them) and their in-flight places. A state that never admits ahead has nothing to give back.
     */
    default void giveBack(List<LimitedParty> parties, Grant grant, int unused) {
        if (unused < 1) {
            throw new IllegalArgumentException("at least one request is given back, not " + unused);
        }
    }

    /**
     * A call admitted earlier ended (succeeded, failed or was cancelled): its max-parallel slots
     * are given back, its {@code tokens} enter the tpm windows and its {@code cost} is added to each
     * party's spend for the period holding {@code now}. Called exactly once per admission.
     */
    void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now);

    /**
     * As {@link #settle}, once per {@code settlementId}: the same settlement again changes nothing,
     * and neither does a {@link #charge} with its id. So when a settlement fails without an answer
     * (it may or may not have reached the state), its cost can be charged later under its id and
     * counts once either way. Ids are remembered for a while: long enough for a store that stalled
     * or restarted to answer again. The settlement of one call of
     * {@link #settle(List, int, long, NanoUsd, Instant, String)}.
     */
    default void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now, String settlementId) {
        settle(parties, 1, tokens, cost, now, settlementId);
    }

    /**
     * As {@link #settle(List, long, NanoUsd, Instant, String)} for {@code calls} calls of the same
     * parties settled together (their places given back, their summed {@code tokens} and
     * {@code cost} counted once per {@code settlementId}): how settlements sent after the answer are
     * batched, one step for many calls.
     *
     * @throws IllegalArgumentException when {@code calls} is below one
     */
    void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now, String settlementId);

    /** The parties' standings, without changing anything. */
    List<Standing> standings(List<LimitedParty> parties, Instant now);

    /**
     * Adds {@code cost} to each party's spend of the periods holding {@code at} (a period already
     * over is left alone), once per {@code chargeId}: the same charge again changes nothing, so a
     * charge whose answer was lost can be sent again. Windows and in-flight counts are untouched.
     * This is how spend charged while the shared state did not answer reaches it afterwards.
     */
    void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId);
}
