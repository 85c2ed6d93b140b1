package io.llmclient.application.governance;

import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Principal;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A caller's own view of its limits ({@code llm.quota}, and the {@code x-ratelimit-*} headers):
 * per dimension the standing of whichever of key and team has fewer remaining (contract section 14),
 * and the budgets of the key and of its team apart. Each member is present only when configured.
 */
public record QuotaReport(Principal principal, Optional<Standing.Window> requests, Optional<Standing.Window> tokens,
                          Optional<Standing.InFlight> parallel, Optional<Standing.Spend> budget,
                          Optional<Standing.Spend> teamBudget) {
    public QuotaReport {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(requests, "requests");
        Objects.requireNonNull(tokens, "tokens");
        Objects.requireNonNull(parallel, "parallel");
        Objects.requireNonNull(budget, "budget");
        Objects.requireNonNull(teamBudget, "teamBudget");
    }

    /** The report of {@code principal} from its parties' standings. */
    public static QuotaReport of(Principal principal, List<Standing> standings) {
        // Plain loops: this runs on every answer to a limited key (its x-ratelimit-* headers).
        Optional<Standing.Window> requests = Optional.empty();
        Optional<Standing.Window> tokens = Optional.empty();
        Optional<Standing.InFlight> parallel = Optional.empty();
        Optional<Standing.Spend> budget = Optional.empty();
        Optional<Standing.Spend> teamBudget = Optional.empty();
        for (Standing standing : standings) {
            requests = tighter(requests, standing.requests());
            tokens = tighter(tokens, standing.tokens());
            if (standing.parallel().isPresent() && (parallel.isEmpty()
                    || free(standing.parallel().get()) < free(parallel.get()))) {
                parallel = standing.parallel();
            }
            if (standing.party().kind() == LimitedParty.Kind.KEY) {
                budget = budget.or(standing::budget);
            } else {
                teamBudget = teamBudget.or(standing::budget);
            }
        }
        return new QuotaReport(principal, requests, tokens, parallel, budget, teamBudget);
    }

    private static Optional<Standing.Window> tighter(Optional<Standing.Window> so, Optional<Standing.Window> next) {
        return next.isPresent() && (so.isEmpty() || next.get().remaining() < so.get().remaining()) ? next : so;
    }

    private static long free(Standing.InFlight inFlight) {
        return inFlight.limit() - inFlight.inUse();
    }
}
