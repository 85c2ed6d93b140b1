package io.llmclient.application.governance;

import io.llmclient.domain.money.NanoUsd;
import java.time.Instant;

/**
 * How an admitted request is settled: on the state that admitted it, which holds its in-flight
 * places (the shared store, or this replica's memory while the shared store was unavailable).
 */
@FunctionalInterface
public interface Settlement {

    /** As {@link QuotaState#settle}, for the parties that were admitted. */
    void settle(long tokens, NanoUsd cost, Instant now);
}
