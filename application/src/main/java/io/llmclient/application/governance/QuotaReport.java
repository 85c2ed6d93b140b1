package io.llmclient.application.governance;

import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Principal;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

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
        return new QuotaReport(principal,
                tighter(standings, Standing::requests),
                tighter(standings, Standing::tokens),
                standings.stream().map(Standing::parallel).flatMap(Optional::stream)
                        .min(Comparator.comparingLong(inFlight -> inFlight.limit() - inFlight.inUse())),
                budgetOf(standings, LimitedParty.Kind.KEY),
                budgetOf(standings, LimitedParty.Kind.TEAM));
    }

    private static Optional<Standing.Window> tighter(List<Standing> standings,
                                                     Function<Standing, Optional<Standing.Window>> dimension) {
        return standings.stream().map(dimension).flatMap(Optional::stream)
                .min(Comparator.comparingLong(Standing.Window::remaining));
    }

    private static Optional<Standing.Spend> budgetOf(List<Standing> standings, LimitedParty.Kind kind) {
        return standings.stream().filter(standing -> standing.party().kind() == kind).findFirst()
                .flatMap(Standing::budget);
    }
}
