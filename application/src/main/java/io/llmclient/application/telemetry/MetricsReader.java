package io.llmclient.application.telemetry;

/**
 * Reads the meters {@link MetricsPort} updates, for {@code llm.metrics}. A port of its own because
 * the registry lives in bootstrap, and the inbound adapter that answers {@code llm.metrics} may
 * not depend on bootstrap.
 */
@FunctionalInterface
public interface MetricsReader {

    /** Every {@code llm_*} series as it stands now. */
    MetricsSnapshot snapshot();
}
