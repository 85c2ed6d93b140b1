package io.llmclient.application.governance;

import io.llmclient.domain.failure.LlmFailure.QuotaLimit;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.Budget;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The quota state of one replica, exact: an rpm window is the log of the admissions of the last
 * 60 s, a tpm window the log of the calls that ended in it. Parties of one slot (a team and its
 * keys) are checked and counted under one lock, so that a key and its team move together, as one
 * script does on a shared store. Spend is kept for all four periods (each as the period's number and
 * the amount spent in it), so that a
 * reload changing a budget's period finds the spend already counted.
 */
public final class InProcessQuotaState implements QuotaState {
    private static final long WINDOW_MILLIS = 60_000;

    private static final BudgetPeriod[] PERIODS = BudgetPeriod.values();

    // Charges already applied, by id; charges repeat only moments apart, so a bounded memory suffices.
    private static final int REMEMBERED_CHARGES = 10_000;

    private final Map<String, Slot> slots = new ConcurrentHashMap<>();
    private final Set<String> charged = Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED_CHARGES;
        }
    });

    @Override
    public Admission admit(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return Admission.Admitted.unlimited();
        }
        Slot slot = slotOf(parties);
        long millis = now.toEpochMilli();
        synchronized (slot) {
            var tallies = new ArrayList<Tally>(parties.size());
            for (LimitedParty party : parties) {
                tallies.add(slot.pruned(party, millis));
            }
            for (int i = 0; i < parties.size(); i++) {
                Optional<LlmFailure> refusal = overLimit(parties.get(i), tallies.get(i), millis);
                if (refusal.isPresent()) {
                    return new Admission.Refused(refusal.get());
                }
            }
            for (int i = 0; i < parties.size(); i++) {
                Optional<LlmFailure> refusal = overBudget(parties.get(i), tallies.get(i), now);
                if (refusal.isPresent()) {
                    return new Admission.Refused(refusal.get());
                }
            }
            var standings = new ArrayList<Standing>(parties.size());
            for (int i = 0; i < parties.size(); i++) {
                LimitedParty party = parties.get(i);
                Tally tally = tallies.get(i);
                if (party.limits().rpm().isPresent()) {
                    tally.admissions.add(millis, 1);
                }
                tally.inFlight++;
                standings.add(tally.standing(party, now, millis));
            }
            return new Admission.Admitted(standings, (tokens, cost, at) -> settle(parties, tokens, cost, at));
        }
    }

    @Override
    public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
        if (parties.isEmpty()) {
            return;
        }
        Slot slot = slotOf(parties);
        long millis = now.toEpochMilli();
        synchronized (slot) {
            for (LimitedParty party : parties) {
                Tally tally = slot.pruned(party, millis);
                tally.inFlight = Math.max(0, tally.inFlight - 1);
                if (party.limits().tpm().isPresent() && tokens > 0) {
                    tally.tokens.add(millis, tokens);
                }
                tally.charge(cost, millis);
            }
        }
    }

    @Override
    public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                       String settlementId) {
        if (calls < 1) {
            throw new IllegalArgumentException("a settlement settles at least one call, not " + calls);
        }
        if (firstTime(settlementId)) {
            settle(parties, tokens, cost, now);
            for (int i = 1; i < calls; i++) {
                settle(parties, 0, NanoUsd.ZERO, now);
            }
        }
    }

    // Settlements and charges share the ids: a charge sent for a settlement that did arrive is ignored.
    private boolean firstTime(String id) {
        synchronized (charged) {
            return charged.add(id);
        }
    }

    @Override
    public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
        if (!firstTime(chargeId)) {
            return;
        }
        if (parties.isEmpty() || cost.nanos() <= 0) {
            return;
        }
        Slot slot = slotOf(parties);
        synchronized (slot) {
            for (LimitedParty party : parties) {
                slot.tally(party).charge(cost, at.toEpochMilli());
            }
        }
    }

    @Override
    public List<Standing> standings(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return List.of();
        }
        Slot slot = slotOf(parties);
        long millis = now.toEpochMilli();
        synchronized (slot) {
            var standings = new ArrayList<Standing>(parties.size());
            for (LimitedParty party : parties) {
                standings.add(slot.pruned(party, millis).standing(party, now, millis));
            }
            return standings;
        }
    }

    private Slot slotOf(List<LimitedParty> parties) {
        return slots.computeIfAbsent(parties.getFirst().slot(), ignored -> new Slot());
    }

    private static Optional<LlmFailure> overLimit(LimitedParty party, Tally tally, long millis) {
        Limits limits = party.limits();
        if (limits.rpm().isPresent() && tally.admissions.size() >= limits.rpm().get()) {
            // The window admits again once enough of its oldest admissions have left it.
            long freeing = tally.admissions.timeAt((int) (tally.admissions.size() - limits.rpm().get()));
            return Optional.of(new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.RPM,
                    Optional.of(Duration.ofMillis(freeing + WINDOW_MILLIS - millis))));
        }
        if (limits.tpm().isPresent() && tally.tokens.sum() >= limits.tpm().get()) {
            long sum = tally.tokens.sum();
            long freeing = millis;
            for (int i = 0; i < tally.tokens.size() && sum >= limits.tpm().get(); i++) {
                sum -= tally.tokens.amountAt(i);
                freeing = tally.tokens.timeAt(i);
            }
            return Optional.of(new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.TPM,
                    Optional.of(Duration.ofMillis(freeing + WINDOW_MILLIS - millis))));
        }
        if (limits.maxParallel().isPresent() && tally.inFlight >= limits.maxParallel().get()) {
            return Optional.of(new LlmFailure.QuotaExceeded(party.id(), QuotaLimit.MAX_PARALLEL, Optional.empty()));
        }
        return Optional.empty();
    }

    private static Optional<LlmFailure> overBudget(LimitedParty party, Tally tally, Instant now) {
        if (party.limits().budget().isEmpty()) {
            return Optional.empty();
        }
        Budget budget = party.limits().budget().get();
        NanoUsd spent = tally.spent(budget.period(), now.toEpochMilli());
        if (spent.compareTo(budget.limit()) < 0) {
            return Optional.empty();
        }
        return Optional.of(new LlmFailure.BudgetExceeded(party.id(), budget.limit(), spent, budget.period(),
                budget.period().resetsAt(now)));
    }

    private static long saturatingSum(long a, long b) {
        long sum = a + b;
        return sum < 0 ? Long.MAX_VALUE : sum;
    }

    /** The parties of one team (or one key without a team); guarded by its own monitor. */
    private static final class Slot {
        private final Map<String, Tally> tallies = new HashMap<>();

        // A party's tally with what has left its windows by {@code millis} dropped.
        Tally pruned(LimitedParty party, long millis) {
            Tally tally = tally(party);
            tally.prune(millis);
            return tally;
        }

        Tally tally(LimitedParty party) {
            return tallies.computeIfAbsent(party.kind() + ":" + party.id(), ignored -> new Tally());
        }
    }

    /** What one party has used. */
    private static final class Tally {
        private final TimeLog admissions = new TimeLog();
        private final TimeLog tokens = new TimeLog();
        // Per period (by ordinal): the number of the period spent in, and the nano-dollars spent in it.
        private final long[] spendPeriod = new long[BudgetPeriod.values().length];
        private final long[] spendNanos = new long[BudgetPeriod.values().length];
        private long inFlight;

        void prune(long millis) {
            admissions.dropUpTo(millis - WINDOW_MILLIS);
            tokens.dropUpTo(millis - WINDOW_MILLIS);
        }

        void charge(NanoUsd cost, long millis) {
            for (BudgetPeriod period : PERIODS) {
                int at = period.ordinal();
                long index = period.index(millis);
                if (index < spendPeriod[at]) {
                    // A late charge of a period already over: it no longer counts.
                    continue;
                }
                if (index > spendPeriod[at]) {
                    // A new period: what was spent in the last one no longer counts.
                    spendPeriod[at] = index;
                    spendNanos[at] = 0;
                }
                spendNanos[at] = saturatingSum(spendNanos[at], cost.nanos());
            }
        }

        NanoUsd spent(BudgetPeriod period, long millis) {
            int at = period.ordinal();
            return spendPeriod[at] == period.index(millis) ? new NanoUsd(spendNanos[at]) : NanoUsd.ZERO;
        }

        Standing standing(LimitedParty party, Instant now, long millis) {
            Limits limits = party.limits();
            return new Standing(party,
                    limits.rpm().map(rpm -> new Standing.Window(rpm, Math.max(0, rpm - admissions.size()),
                            resetAfter(admissions, millis))),
                    limits.tpm().map(tpm -> new Standing.Window(tpm, Math.max(0, tpm - tokens.sum()),
                            resetAfter(tokens, millis))),
                    limits.maxParallel().map(max -> new Standing.InFlight(max, inFlight)),
                    limits.budget().map(budget -> new Standing.Spend(budget.limit(), spent(budget.period(), millis),
                            budget.period(), budget.period().resetsAt(now))));
        }

        // The window is whole again once its newest entry has left it.
        private static Duration resetAfter(TimeLog log, long millis) {
            return log.size() == 0 ? Duration.ZERO
                    : Duration.ofMillis(Math.max(0, log.newest() + WINDOW_MILLIS - millis));
        }
    }
}
