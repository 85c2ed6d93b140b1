package io.llmclient.bootstrap.observability;

import java.util.Map;
import java.util.Set;

/** Contract sections 7, 10, 11 and 14, as data: each family's Prometheus type and label names. */
public final class ContractSeries {
    /** A family of the contract: its type ({@code counter}, {@code gauge}, {@code histogram}) and labels. */
    public record Family(String type, Set<String> labels) {
    }

    public static final Map<String, Family> FAMILIES = Map.ofEntries(
            Map.entry("llm_requests_total", new Family("counter", Set.of("provider", "model", "status"))),
            Map.entry("llm_requests_duration_seconds", new Family("histogram", Set.of("provider", "model"))),
            Map.entry("llm_time_to_first_token_seconds", new Family("histogram", Set.of("provider", "model"))),
            Map.entry("llm_tokens_total", new Family("counter", Set.of("provider", "model", "token_type"))),
            Map.entry("llm_errors_total", new Family("counter", Set.of("provider", "model", "error_type"))),
            Map.entry("llm_active_requests", new Family("gauge", Set.of("provider"))),
            Map.entry("llm_governance_violations_total", new Family("counter", Set.of("model", "source_agent"))),
            Map.entry("llm_rate_limit_errors_total", new Family("counter", Set.of("provider"))),
            Map.entry("llm_rate_limit_retry_delay_seconds", new Family("histogram", Set.of("provider"))),
            Map.entry("llm_retries_total", new Family("counter", Set.of("provider", "reason"))),
            // Issue 11: what the gateway itself adds to a request (time in the service minus provider wait).
            Map.entry("llm_gateway_overhead_seconds", new Family("histogram", Set.of("provider"))),
            // Issue 18: audit entries that could not be written (a full disk); no labels.
            Map.entry("llm_audit_write_errors_total", new Family("counter", Set.of())),
            // Issue 18: readiness (0 while draining) and the process start, for restart alerts.
            Map.entry("llm_ready", new Family("gauge", Set.of())),
            Map.entry("llm_process_start_time_seconds", new Family("gauge", Set.of())),
            // Section 10: cost, quota refusals and budgets per principal, policy reloads.
            Map.entry("llm_cost_usd_total", new Family("counter", Set.of("provider", "model", "principal"))),
            Map.entry("llm_quota_rejections_total", new Family("counter", Set.of("principal", "limit"))),
            Map.entry("llm_budget_spent_usd", new Family("gauge", Set.of("principal"))),
            Map.entry("llm_budget_limit_usd", new Family("gauge", Set.of("principal"))),
            Map.entry("llm_config_reloads_total", new Family("counter", Set.of("result"))),
            // Section 11: the shared state (Redis); the contract names no label for the histogram.
            Map.entry("llm_state_errors_total", new Family("counter", Set.of("operation"))),
            Map.entry("llm_state_duration_seconds", new Family("histogram", Set.of())),
            // Issue 21: 1 while a replica counts limits alone because the shared state failed open.
            Map.entry("llm_state_fallback_active", new Family("gauge", Set.of())),
            // Section 14 (issue 23): trace spans the collector never got (queue full, export failed).
            Map.entry("llm_trace_spans_dropped_total", new Family("counter", Set.of())));

    /** The sample-name suffixes the exposition may add to a histogram's family name. */
    public static final Set<String> HISTOGRAM_SUFFIXES = Set.of("_bucket", "_sum", "_count", "_created");

    private ContractSeries() {
    }

    /** Whether a name used in a query is a contract family or a sample name of one. */
    public static boolean isContractName(String name) {
        if (FAMILIES.containsKey(name)) {
            return true;
        }
        return HISTOGRAM_SUFFIXES.stream().anyMatch(suffix -> name.endsWith(suffix)
                && FAMILIES.getOrDefault(name.substring(0, name.length() - suffix.length()),
                        new Family("", Set.of())).type().equals("histogram"));
    }
}
