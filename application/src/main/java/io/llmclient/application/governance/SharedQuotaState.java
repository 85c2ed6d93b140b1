package io.llmclient.application.governance;

import io.llmclient.application.state.StateFailureMode;
import io.llmclient.application.state.StateLink;
import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The quota state of several replicas: the shared store's, reached through a {@link StateLink},
 * with the failure mode of contract section 11. While the store does not answer, a replica failing
 * open admits from its own memory (limits then hold per replica) and one failing closed lets the
 * failure out for callers with limits or a budget, which refuses them with -32009. Either way no spend is lost: what is
 * charged while the store does not answer is kept and added to it, once, when it answers again.
 * A request is settled on the state that admitted it, which holds its in-flight places.
 */
public final class SharedQuotaState implements QuotaState {
    private final QuotaState shared;
    private final QuotaState local = new InProcessQuotaState();
    private final StateLink link;
    private final OutageSpend outage;

    public SharedQuotaState(QuotaState shared, StateLink link) {
        this.shared = Objects.requireNonNull(shared, "shared");
        this.link = Objects.requireNonNull(link, "link");
        this.outage = new OutageSpend(shared, link);
        link.onRecovery(outage::replay);
    }

    @Override
    public Admission admit(List<LimitedParty> parties, Instant now) {
        if (parties.isEmpty()) {
            return Admission.Admitted.unlimited();
        }
        Admission admission;
        try {
            admission = link.call("admit", () -> shared.admit(parties, now));
        } catch (StateUnavailableException unavailable) {
            if (link.mode() == StateFailureMode.CLOSED && limitsAnything(parties)) {
                throw unavailable;
            }
            // Failing open, or a caller with nothing to check (only its spend is counted, for later).
            return withOutageSpend(local.admit(parties, now), parties);
        }
        if (admission instanceof Admission.Admitted admitted) {
            return new Admission.Admitted(admitted.standings(),
                    (tokens, cost, at) -> settleShared(admitted.settlement(), parties, tokens, cost, at));
        }
        return admission;
    }

    @Override
    public void settle(List<LimitedParty> parties, long tokens, NanoUsd cost, Instant now) {
        settleShared((t, c, at) -> shared.settle(parties, t, c, at), parties, tokens, cost, now);
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

    private static boolean limitsAnything(List<LimitedParty> parties) {
        for (LimitedParty party : parties) {
            if (party.limits().limitsAnything()) {
                return true;
            }
        }
        return false;
    }

    // A call admitted by the store: settled there; when that fails, its in-flight places in the store
    // are freed by their TTL and its spend waits for the store.
    private void settleShared(Settlement settlement, List<LimitedParty> parties, long tokens, NanoUsd cost,
                              Instant at) {
        try {
            link.run("settle", () -> settlement.settle(tokens, cost, at));
        } catch (StateUnavailableException unavailable) {
            outage.add(parties, cost, at);
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
