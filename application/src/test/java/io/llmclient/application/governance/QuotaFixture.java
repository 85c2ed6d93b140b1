package io.llmclient.application.governance;

import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.util.Optional;

/** Keys, teams and limits for the quota tests, built directly (the parser has its own tests). */
final class QuotaFixture {
    static final long USD = 1_000_000_000L;

    private QuotaFixture() {
    }

    static Limits rpm(long rpm) {
        return new Limits(Optional.of(rpm), Optional.empty(), Optional.empty(), Optional.empty());
    }

    static Limits tpm(long tpm) {
        return new Limits(Optional.empty(), Optional.of(tpm), Optional.empty(), Optional.empty());
    }

    static Limits maxParallel(long max) {
        return new Limits(Optional.empty(), Optional.empty(), Optional.of(max), Optional.empty());
    }

    static Limits budget(long nanos, BudgetPeriod period) {
        return new Limits(Optional.empty(), Optional.empty(), Optional.empty(),
                Optional.of(new Budget(new NanoUsd(nanos), period)));
    }

    static Limits limits(Long rpm, Long tpm, Long maxParallel, Budget budget) {
        return new Limits(Optional.ofNullable(rpm), Optional.ofNullable(tpm), Optional.ofNullable(maxParallel),
                Optional.ofNullable(budget));
    }

    /** A key of no team: its own slot. */
    static LimitedParty soloKey(String id, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.KEY, id, limits);
    }

    /** A key of {@code team}: the team's slot. */
    static LimitedParty teamKey(String id, String team, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.KEY, team, limits);
    }

    static LimitedParty team(String id, Limits limits) {
        return new LimitedParty(id, LimitedParty.Kind.TEAM, id, limits);
    }
}
