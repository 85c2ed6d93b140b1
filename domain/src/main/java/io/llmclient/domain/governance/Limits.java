package io.llmclient.domain.governance;

import java.util.Objects;
import java.util.Optional;

/**
 * The limits of one key or team (contract section 10); each absent one does not limit.
 *
 * @param rpm         requests admitted in any rolling 60 s
 * @param tpm         tokens of calls that ended in the last 60 s, at or above which requests wait
 * @param maxParallel requests in flight (a stream counts until it ends); teams have none
 * @param budget      spend per period
 */
public record Limits(Optional<Long> rpm, Optional<Long> tpm, Optional<Long> maxParallel, Optional<Budget> budget) {
    /** No limit at all. */
    public static final Limits NONE = new Limits(Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    public Limits {
        Objects.requireNonNull(rpm, "rpm");
        Objects.requireNonNull(tpm, "tpm");
        Objects.requireNonNull(maxParallel, "maxParallel");
        Objects.requireNonNull(budget, "budget");
    }

    /**
     * These limits as they apply to a request that counts toward rpm only (a token count, contract
     * section 14): its rpm, without tpm, max-parallel or budget.
     */
    public Limits requestsOnly() {
        return new Limits(rpm, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** Whether any limit or budget is configured. */
    public boolean limitsAnything() {
        return rpm.isPresent() || tpm.isPresent() || maxParallel.isPresent() || budget.isPresent();
    }
}
