package io.llmclient.domain.governance;

import java.util.Objects;

/**
 * An authenticated caller and the prices of the policy it was authenticated under: a request
 * finishes under the policy it started with, whatever a reload changes meanwhile.
 */
public record Caller(Principal principal, Prices prices) {
    public Caller {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(prices, "prices");
    }

    /** The principal's id. */
    public String id() {
        return principal.id();
    }
}
