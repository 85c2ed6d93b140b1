package io.llmclient.application.governance;

import io.llmclient.domain.failure.LlmFailure;
import java.util.List;
import java.util.Objects;

/** What the quota state answers a request that asks to be admitted. */
public sealed interface Admission {

    /**
     * Admitted: one request is counted in every rpm window and one slot taken in every
     * max-parallel count, until its {@code settlement} gives the slot back. {@code standings} are
     * the parties' rpm and tpm windows and in-flight counts just after admission (for the
     * {@code x-ratelimit-*} headers), and their spend before this call.
     */
    record Admitted(List<Standing> standings, Settlement settlement) implements Admission {
        public Admitted {
            standings = List.copyOf(standings);
            Objects.requireNonNull(settlement, "settlement");
        }

        /** Nothing to count: no party has a limit or a budget. */
        public static Admitted unlimited() {
            return new Admitted(List.of(), (tokens, cost, now) -> { });
        }
    }

    /**
     * Refused, with nothing consumed: a {@link LlmFailure.QuotaExceeded} or a
     * {@link LlmFailure.BudgetExceeded}.
     */
    record Refused(LlmFailure failure) implements Admission {
        public Refused {
            Objects.requireNonNull(failure, "failure");
            if (!(failure instanceof LlmFailure.QuotaExceeded || failure instanceof LlmFailure.BudgetExceeded)) {
                throw new IllegalArgumentException("an admission is refused only by a quota or a budget");
            }
        }
    }
}
