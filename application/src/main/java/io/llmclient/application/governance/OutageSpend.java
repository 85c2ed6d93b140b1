package io.llmclient.application.governance;

import io.llmclient.application.state.StateLink;
import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.money.NanoUsd;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Spend charged while the shared store did not answer, kept per party and UTC day (a day lies
 * within one week, month and total, so one charge per day reaches every period it belongs to) and
 * added to the store when it answers. Each charge carries an id fixed before it is first sent, so
 * that one whose answer was lost is sent again with the same id and counted once. A settlement
 * that failed is kept apart, under its own id, as it may have reached the store after all.
 */
final class OutageSpend {
    private static final long DAY_MILLIS = 86_400_000L;

    private record Bucket(LimitedParty party, long day) {
    }

    // Sent as one charge of all its parties: the store marks the id once for them all.
    private record Charge(List<LimitedParty> parties, NanoUsd cost, Instant at, String id) {
    }

    private final QuotaState shared;
    private final StateLink link;
    private final Map<Bucket, Long> collecting = new LinkedHashMap<>();
    private final Deque<Charge> sending = new ArrayDeque<>();

    OutageSpend(QuotaState shared, StateLink link) {
        this.shared = shared;
        this.link = link;
    }

    /** Keeps {@code cost} for each party, at {@code at}; sends it at once if the store answers again by now. */
    void add(List<LimitedParty> parties, NanoUsd cost, Instant at) {
        if (cost.nanos() <= 0) {
            return;
        }
        synchronized (this) {
            for (LimitedParty party : parties) {
                collecting.merge(new Bucket(party, Math.floorDiv(at.toEpochMilli(), DAY_MILLIS)), cost.nanos(),
                        Math::addExact);
            }
        }
        sendIfUp();
    }

    /**
     * Keeps the cost of a settlement that failed without an answer, under the settlement's own id:
     * if it reached the store after all, the store ignores the charge.
     */
    void addSettlement(List<LimitedParty> parties, NanoUsd cost, Instant at, String settlementId) {
        if (cost.nanos() <= 0) {
            return;
        }
        synchronized (this) {
            sending.add(new Charge(List.copyOf(parties), cost, at, settlementId));
        }
        sendIfUp();
    }

    private void sendIfUp() {
        if (link.up()) {
            // The link came back between this call's failure and now: the recovery has already run.
            try {
                replay();
            } catch (StateUnavailableException stillDown) {
                // Kept; the next recovery sends it.
            }
        }
    }

    /**
     * Sends everything kept, oldest first; stops at the first failure (which it throws), keeping
     * that charge and its id for the next attempt.
     */
    synchronized void replay() {
        collecting.forEach((bucket, nanos) -> sending.add(new Charge(List.of(bucket.party()), new NanoUsd(nanos),
                Instant.ofEpochMilli(bucket.day() * DAY_MILLIS), UUID.randomUUID().toString())));
        collecting.clear();
        while (!sending.isEmpty()) {
            Charge next = sending.peekFirst();
            link.attempt("charge", () -> {
                shared.charge(next.parties(), next.cost(), next.at(), next.id());
                return null;
            });
            sending.removeFirst();
        }
    }

    synchronized long outstandingNanos() {
        var all = new ArrayList<Long>(collecting.values());
        sending.forEach(charge -> all.add(charge.cost().nanos() * charge.parties().size()));
        return all.stream().mapToLong(Long::longValue).sum();
    }
}
