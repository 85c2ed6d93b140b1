package io.llmclient.application.governance;

import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.Authentication;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.LimitedParty;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Per-caller governance (contract section 10): who is calling, under which policy, and whether
 * its limits and budget admit one more request. The policy is swapped whole by a reload; a request
 * keeps the {@link Caller} it was authenticated as, so it finishes under the policy it started with.
 */
public final class Governance {
    private final AtomicReference<GovernancePolicy> policy;
    private final QuotaState state;
    private final TimeSource time;
    private final MetricsPort metrics;

    public Governance(GovernancePolicy initial, QuotaState state, TimeSource time, MetricsPort metrics) {
        this.policy = new AtomicReference<>(Objects.requireNonNull(initial, "initial"));
        this.state = Objects.requireNonNull(state, "state");
        this.time = Objects.requireNonNull(time, "time");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /** The policy new requests run under. */
    public GovernancePolicy policy() {
        return policy.get();
    }

    /** Applies a new policy to requests from now on; spend and windows stay (they are kept per party id). */
    public void replace(GovernancePolicy next) {
        policy.set(Objects.requireNonNull(next, "next"));
    }

    /** Who presents these keys (see {@link GovernancePolicy#authenticate}). */
    public Authentication authenticate(List<String> presented) {
        return policy.get().authenticate(presented, time.now());
    }

    /** The caller of a request when auth is off, or when no credentials are read (tools, tests). */
    public Caller anonymous() {
        return policy.get().anonymousCaller();
    }

    /**
     * Admits one request of {@code caller}, or throws the {@code QuotaExceeded} or
     * {@code BudgetExceeded} that refuses it (nothing consumed), or {@code StateUnavailable} when a
     * shared state failing closed does not answer.
     */
    public Ticket admit(Caller caller) {
        return admit(caller, caller.principal().parties());
    }

    /**
     * Admits a request that counts toward rpm only ({@code /v1/messages/count_tokens}, contract
     * section 14: it spends the upstream's rate limit, generates nothing): refused only by an rpm
     * window, never by tpm, max-parallel or a budget.
     */
    public Ticket admitCountingRequestsOnly(Caller caller) {
        return admit(caller, caller.principal().parties().stream().map(LimitedParty::requestsOnly).toList());
    }

    private Ticket admit(Caller caller, List<LimitedParty> parties) {
        Admission admission;
        try {
            admission = state.admit(parties, time.now());
        } catch (StateUnavailableException unavailable) {
            // Only a state failing closed lets this out: the caller's limits cannot be checked.
            throw new LlmFailureException(new LlmFailure.StateUnavailable(caller.id()));
        }
        return switch (admission) {
            case Admission.Admitted admitted -> new Ticket(caller, admitted, time, metrics);
            case Admission.Refused refused -> throw new LlmFailureException(refused.failure());
        };
    }

    /**
     * The caller's standings now, without counting anything.
     *
     * @throws LlmFailureException StateUnavailable when a state failing closed does not answer
     */
    public List<Standing> standings(Caller caller) {
        try {
            return standings(caller.principal().parties());
        } catch (StateUnavailableException unavailable) {
            throw new LlmFailureException(new LlmFailure.StateUnavailable(caller.id()));
        }
    }

    /** The standings of some keys or teams now (of one slot: a team and its keys), without counting anything. */
    public List<Standing> standings(List<LimitedParty> parties) {
        return state.standings(parties, time.now());
    }
}
