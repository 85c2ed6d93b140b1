package io.llmclient.application.resilience;

/** The answer to a replica asking for the single probe of a half-open circuit. */
public enum ProbeClaim {
    /** This replica sends the probe (or the store did not answer, and the replica decides alone). */
    GRANTED,
    /** Not now: another replica holds the probe, or the circuit is still open on the store's clock. */
    REFUSED,
    /** The circuit is closed already (another replica closed it): call as usual. */
    CLOSED
}
