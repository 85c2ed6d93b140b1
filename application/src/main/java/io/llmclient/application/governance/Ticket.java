package io.llmclient.application.governance;

import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.money.NanoUsd;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What an admitted request holds until its call ends: its place in the in-flight counts. It is
 * given back exactly once, by {@link #settle} when the call ends (charging the usage the
 * provider reported) or by {@link #release} when the call never ran.
 */
public final class Ticket {
    private final Caller caller;
    private final List<Standing> standings;
    private final Settlement settlement;
    private final TimeSource time;
    private final MetricsPort metrics;
    private final AtomicBoolean settled = new AtomicBoolean();

    Ticket(Caller caller, Admission.Admitted admitted, TimeSource time, MetricsPort metrics) {
        this.caller = Objects.requireNonNull(caller, "caller");
        this.standings = admitted.standings();
        this.settlement = admitted.settlement();
        this.time = time;
        this.metrics = metrics;
    }

    /** Who was admitted. */
    public Caller caller() {
        return caller;
    }

    /** The caller's standings just after admission (for the {@code x-ratelimit-*} headers). */
    public List<Standing> standings() {
        return standings;
    }

    /**
     * The call ended on {@code model} with {@code usage} (zero when the provider reported none):
     * returns its cost under the caller's prices (absent when the model has no price), charged to
     * the caller's spend and tpm windows the first time only.
     */
    public Optional<NanoUsd> settle(ModelEntry model, Usage usage) {
        Optional<NanoUsd> cost = caller.prices().of(model.id()).map(price -> price.cost(usage));
        if (settled.compareAndSet(false, true)) {
            settlement.settle(usage.totalTokens(), cost.orElse(NanoUsd.ZERO), time.now());
            cost.filter(charged -> charged.nanos() > 0)
                    .ifPresent(charged -> metrics.charged(model, caller.id(), charged));
        }
        return cost;
    }

    /** The call never ran: its in-flight slots are given back, nothing is charged. No-op once settled. */
    public void release() {
        if (settled.compareAndSet(false, true)) {
            settlement.settle(0, NanoUsd.ZERO, time.now());
        }
    }
}
