package io.llmclient.application.governance;

import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Where one key or team stands against its limits at one moment: what {@code llm.quota} and the
 * {@code x-ratelimit-*} headers report. Each member is present only when that limit is configured.
 */
public record Standing(LimitedParty party, Optional<Window> requests, Optional<Window> tokens,
                       Optional<InFlight> parallel, Optional<Spend> budget) {
    public Standing {
        Objects.requireNonNull(party, "party");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(parallel, "parallel");
        Objects.requireNonNull(budget, "budget");
    }

    /**
     * A rolling 60 s window: {@code resetAfter} is how long until it is whole again (the newest
     * entry leaves it); zero when it is empty.
     */
    public record Window(long limit, long remaining, Duration resetAfter) {
    }

    /** Requests in flight against their limit. */
    public record InFlight(long limit, long inUse) {
    }

    /** Spend in the current period against the budget; {@code resetsAt} is absent for {@code total}. */
    public record Spend(NanoUsd limit, NanoUsd spent, BudgetPeriod period, Optional<Instant> resetsAt) {
    }
}
