package io.llmclient.application.governance;

import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The quota state of several replicas: the shared store's, reached through a {@link StateLink},
 * with the failure mode of contract section 11. While the store does not answer, a replica failing
 * open admits from its own memory (limits then hold per replica) and one failing closed lets the
 * failure out for callers with limits or a budget, which refuses them with -32009. Either way no spend is lost: what is
 * charged while the store does not answer is kept and added to it, once, when it answers again.
 * A request is settled on the state that admitted it, which holds its in-flight places. Built with
 * {@link #settlingAfterAnswers}, settlements with room to spare go to the store after the answer,
 * batched over a short linger (see {@link SettlementQueue}); a caller near a limit is settled
 * before its answer, together with its settlements that wait, and a caller refused by its
 * max-parallel limit while some of its calls wait to be settled is settled and asked once more, so
 * that no request is refused for places its own ended calls still hold. Admitting ahead, parties
 * with room to spare and a steady rate are admitted several requests at a time, which this replica
 * hands out without a round trip (see {@link Allowances}).
 */
public final class SharedQuotaState implements QuotaState, AutoCloseable {
    // How often allowances whose time passed give back what they left unused (of parties gone quiet:
    // a renewal gives back its predecessor's at once).
    private static final Duration ALLOWANCE_SWEEP_EVERY = Duration.ofSeconds(1);
    // How long a close waits for allowances being renewed; one that ends later gives its grant back.
    private static final Duration CLOSE_PATIENCE = Duration.ofSeconds(1);
    // How long a caller that found an allowance empty waits for its renewal under way before asking
    // the store itself: a renewal is at most two store calls, each bounded by LLM_STATE_TIMEOUT.
    private static final Duration RENEWAL_PATIENCE = Duration.ofMillis(100);
    private final QuotaState shared;
    private final QuotaState local = new InProcessQuotaState();
    private final StateLink link;
    private final OutageSpend outage;
    private final Optional<SettlementQueue> later;
    private final Optional<Allowances> ahead;
    private final Optional<Thread> sweeper;
    private final CountDownLatch closing = new CountDownLatch(1);

    /** Settles every request before its answer: two round trips per request. */
    public SharedQuotaState(QuotaState shared, StateLink link) {
        this(shared, link, 0, Duration.ZERO, 0);
    }

    private SharedQuotaState(QuotaState shared, StateLink link, int queued, Duration linger, int allowance) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.link = Objects.requireNonNull(link, "link");
        this.outage = new OutageSpend(shared, link);
        link.onRecovery(outage::replay);
        this.later = queued == 0 ? Optional.empty()
                : Optional.of(new SettlementQueue(queued, linger, this::settleShared));
        this.ahead = allowance == 0 ? Optional.empty() : Optional.of(new Allowances(allowance, this::renewAhead));
        this.sweeper = ahead.map(allowances -> Thread.ofVirtual().name("llm-allowances")
                .start(() -> giveBackExpiredUntilClosed(allowances)));
    }

    /**
     * Settles requests after their answers where that is safe, batched: one round trip per request
     * on its path, and a fraction of a step per request to settle. A settlement waits up to
     * {@code linger} for others of the same parties to be sent with it in one step. At most
     * {@code queued} settlements wait; beyond that a request settles before its answer. Close it to
     * send what waits.
     */
    public static SharedQuotaState settlingAfterAnswers(QuotaState shared, StateLink link, int queued,
                                                        Duration linger) {
        return settlingAfterAnswers(shared, link, queued, linger, 0);
    }

    /**
     * As {@link #settlingAfterAnswers(QuotaState, StateLink, int, Duration)}, and admitting ahead:
     * for parties with room to spare and a rate that pays, the store admits up to {@code allowance}
     * requests in one step and this replica hands them out without a round trip while their grant
     * is valid (see {@link Grant}); what it does not hand out in time it gives back. Zero admits
     * every request in the store.
     */
    public static SharedQuotaState settlingAfterAnswers(QuotaState shared, StateLink link, int queued,
                                                        Duration linger, int allowance) {
        if (queued < 1) {
            throw new IllegalArgumentException("at least one settlement can wait, not " + queued);
        }
        if (allowance < 0 || allowance == 1) {
            throw new IllegalArgumentException("an allowance is zero (none) or at least two requests, not "
                    + allowance);
        }
        return new SharedQuotaState(shared, link, queued, linger, allowance);
    }

    @Override
    public Admission admit(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return Admission.Admitted.unlimited();
        }
        if (ahead.isPresent()) {
            Admission.Admitted admitted = ahead.get().take(parties, now);
            if (admitted != null) {
                return admitted;
            }
        }
        Admission admission;
        try {
            admission = admitShared(parties, now);
            if (refusedForPlaces(admission) && settledWaiting(parties, now)) {
                // Places held by this caller's calls that ended and wait to be settled: given back, once more.
                admission = link.call("admit", () -> shared.admit(parties, now));
            }
        } catch (StateUnavailableException unavailable) {
            if (link.mode() == StateFailureMode.CLOSED && limitsAnything(parties)) {
                throw unavailable;
            }
            // Failing open, or a caller with nothing to check (only its spend is counted, for later).
            return withOutageSpend(local.admit(parties, now), parties);
        }
        if (admission instanceof Admission.Admitted admitted) {
            return new Admission.Admitted(admitted.standings(), settlement(parties, admitted.standings()));
        }
        return admission;
    }

    // One request admitted by the store, or (when this caller renews the parties' allowance) the
    // asking one and the grant's more, kept to be handed out; the one being replaced gives back
    // what it left unused first, so that its places are free before new ones are counted. A caller
    // that finds a renewal under way waits for it.
    private Admission admitShared(List<LimitedParty> parties, Instant now) {
        Allowances.Renewal renewal = ahead.map(allowances -> allowances.renew(parties)).orElse(null);
        if (renewal == null) {
            Admission.Admitted renewed = ahead.map(allowances -> allowances.afterRenewal(parties, RENEWAL_PATIENCE))
                    .orElse(null);
            return renewed != null ? renewed : link.call("admit", () -> shared.admit(parties, now));
        }
        try (renewal) {
            if (renewal.unused() != null) {
                giveBack(renewal.unused());
            }
            long sent = System.nanoTime();
            Grant grant = link.call("admit", () -> shared.admitSeveral(parties, renewal.wanted(), now));
            keep(parties, renewal, grant, sent);
            return grant.admission();
        }
    }

    // On a thread of its own, when a quarter of the parties' allowance is handed out: requests ahead only,
    // which replace it (what it still holds is carried over, or given back).
    private void renewAhead(List<LimitedParty> parties, Allowances.Renewal renewal, Instant now) {
        try (renewal) {
            long sent = System.nanoTime();
            keep(parties, renewal, link.call("admit", () -> shared.admitAhead(parties, renewal.wanted(), now)), sent);
        } catch (StateUnavailableException unavailable) {
            // Counted by the link: the allowance runs out, and its callers then ask the store (or fail over).
        }
    }

    // The grant's requests ahead (a step sent at sentNanos), if any, become the parties' allowance,
    // settled as any admission of theirs; what the allowance they replace held goes back unless
    // carried over.
    private void keep(List<LimitedParty> parties, Allowances.Renewal renewal, Grant grant, long sentNanos) {
        if (grant.more() > 0 && grant.admission() instanceof Admission.Admitted admitted) {
            renewal.keep(grant, new Admission.Admitted(admitted.standings(), settlement(parties, admitted.standings())),
                    sentNanos).forEach(this::giveBack);
        }
    }

    // Requests admitted ahead and not handed out: their counts and places go back to the store. When it
    // does not answer they stay counted (never fewer than were handed out): the rpm counts leave the
    // window within a minute, the in-flight places with their TTL.
    private void giveBack(Allowances.Unused unused) {
        try {
            link.run("give_back", () -> shared.giveBack(unused.parties(), unused.grant(), unused.requests()));
        } catch (StateUnavailableException unavailable) {
            // Counted and timed by the link; nothing more to do.
        }
    }

    // Woken by close rather than interrupted: an interrupt landing in a give-back's Redis call would
    // close its connection and cut the link just before close gives back what allowances hold.
    private void giveBackExpiredUntilClosed(Allowances allowances) {
        try {
            while (!closing.await(ALLOWANCE_SWEEP_EVERY.toNanos(), TimeUnit.NANOSECONDS)) {
                allowances.expired(false).forEach(this::giveBack);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static boolean refusedForPlaces(Admission admission) {
        return admission instanceof Admission.Refused(LlmFailure.QuotaExceeded exceeded)
                && exceeded.limit() == LlmFailure.QuotaLimit.MAX_PARALLEL;
    }

    // Settles now what waits of these parties; false when nothing did.
    private boolean settledWaiting(List<LimitedParty> parties, Instant now) {
        Optional<SettledCalls> waiting = later.flatMap(queue -> queue.takeFor(parties, now));
        waiting.ifPresent(calls -> settleShared(parties, calls));
        return waiting.isPresent();
    }

    // After the answer only with room to spare: while it waits in the queue, a settlement holds its
    // places and its tokens and cost are not yet counted, so it waits only while every party has used
    // at most half of its max-parallel places, tpm and budget (a caller with one call at a time is
    // then never refused for its own previous call, and a budget is not run past by late spend).
    private Settlement settlement(List<LimitedParty> parties, List<Standing> standings) {
        if (later.isEmpty()) {
            return (tokens, cost, at) -> settleShared(parties, tokens, cost, at);
        }
        SettlementQueue queue = later.get();
        if (!roomy(standings)) {
            // Settled now, with what waits of the same parties: their places come back at once.
            return (tokens, cost, at) -> {
                SettledCalls all = queue.takeFor(parties, at).map(waiting -> waiting.andOneMore(tokens, cost, at))
                        .orElseGet(() -> SettledCalls.one(tokens, cost, at));
                settleShared(parties, all);
            };
        }
        return (tokens, cost, at) -> {
            if (!queue.offer(parties, tokens, cost, at)) {
                settleShared(parties, tokens, cost, at);
            }
        };
    }

    private static boolean roomy(List<Standing> standings) {
        for (Standing standing : standings) {
            if (standing.parallel().filter(places -> places.inUse() > places.limit() / 2).isPresent()
                    || standing.tokens().filter(tokens -> tokens.remaining() < tokens.limit() / 2).isPresent()
                    || standing.budget().filter(spend -> spend.spent().nanos() > spend.limit().nanos() / 2)
                    .isPresent()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
        settleShared(parties, tokens, cost, now);
    }

    @Override
    public void settle(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant now,
                       String settlementId) {
        settleShared(parties, calls, tokens, cost, now, settlementId);
    }

    @Override
    public List<Standing> standings(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return List.of();
        }
        try {
            return link.call("standings", () -> shared.standings(parties, now));
        } catch (StateUnavailableException unavailable) {
            if (link.mode() == StateFailureMode.CLOSED) {
                throw unavailable;
            }
            return local.standings(parties, now);
        }
    }

    @Override
    public void charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String chargeId) {
        link.run("charge", () -> shared.charge(parties, cost, at, chargeId));
    }

    /** Spend charged while the store did not answer and not yet added to it, in nano-dollars per party. */
    public long outstandingNanos() {
        return outage.outstandingNanos();
    }

    /** Settlements waiting to be sent after their answers. */
    public int settlementsWaiting() {
        return later.map(SettlementQueue::pending).orElse(0);
    }

    /** Sends the settlements that wait (and waits for them); later ones settle before their answers. */
    @Override
    public void close() {
        closing.countDown();
        sweeper.ifPresent(thread -> {
            try {
                thread.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ahead.ifPresent(allowances -> allowances.close(CLOSE_PATIENCE).forEach(this::giveBack));
        later.ifPresent(SettlementQueue::close);
    }

    private static boolean limitsAnything(List<LimitedParty> parties) {
        for (LimitedParty party : parties) {
            if (party.limits().limitsAnything()) {
                return true;
            }
        }
        return false;
    }

    // A call admitted by the store: settled there, under an id. When that fails, its in-flight places
    // in the store are freed by their TTL and its spend waits for the store, under the same id: a
    // settlement that timed out or lost its answer may have been applied all the same, and the
    // store then ignores the charge.
    private void settleShared(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant at) {
        settleShared(parties, 1, tokens, cost, at, UUID.randomUUID().toString());
    }

    private void settleShared(List<LimitedParty> parties, SettledCalls calls) {
        settleShared(parties, calls.calls(), calls.tokens(), calls.cost(), calls.at(), calls.id());
    }

    private void settleShared(List<LimitedParty> parties, int calls, long tokens, NanoUsd cost, Instant at,
                              String id) {
        try {
            link.run("settle", () -> shared.settle(parties, calls, tokens, cost, at, id));
        } catch (StateUnavailableException unavailable) {
            outage.addSettlement(parties, cost, at, id);
        }
    }

    // A call admitted from this replica's memory: settled there, and its spend added to the store later.
    private Admission withOutageSpend(Admission admission, List<LimitedParty> parties) {
        if (admission instanceof Admission.Admitted admitted) {
            return new Admission.Admitted(admitted.standings(), (tokens, cost, at) -> {
                admitted.settlement().settle(tokens, cost, at);
                outage.add(parties, cost, at);
            });
        }
        return admission;
    }
}
