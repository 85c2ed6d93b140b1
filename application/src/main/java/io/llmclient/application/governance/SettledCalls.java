package io.llmclient.application.governance;

import io.llmclient.domain.money.NanoUsd;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * Calls of the same parties that ended and were not yet settled, summed: their number (the
 * in-flight places to give back), their tokens and their cost, the time that names the spend
 * periods, and the id under which they count once: what {@link SettlementQueue} sends as one step.
 *
 * @param calls  how many calls, at least one
 * @param tokens their tokens, summed
 * @param cost   their cost, summed
 * @param at     the time whose periods their spend belongs to
 * @param id     the settlement's id: the same id again changes nothing
 */
record SettledCalls(int calls, long tokens, NanoUsd cost, Instant at, String id) {

    SettledCalls {
        if (calls < 1) {
            throw new IllegalArgumentException("settled calls are at least one, not " + calls);
        }
        if (tokens < 0) {
            throw new IllegalArgumentException("settled tokens are not negative, not " + tokens);
        }
        Objects.requireNonNull(cost, "cost");
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(id, "id");
    }

    /** One call, under a new id. */
    static SettledCalls one(long tokens, NanoUsd cost, Instant at) {
        return new SettledCalls(1, tokens, cost, at, UUID.randomUUID().toString());
    }

    /** These and one call more, summed, under this id. */
    SettledCalls andOneMore(long moreTokens, NanoUsd moreCost, Instant when) {
        return new SettledCalls(calls + 1, tokens + moreTokens, new NanoUsd(cost.nanos() + moreCost.nanos()),
                when.isAfter(at) ? when : at, id);
    }
}
