package io.llmclient.domain.governance;

import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.util.Objects;

/** A spending limit: at most {@code limit} per {@code period}. */
public record Budget(NanoUsd limit, BudgetPeriod period) {
    public Budget {
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(period, "period");
    }
}
