package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * docs/ops: the alert rules, the Alertmanager route and the Grafana dashboard have the structure
 * their tools expect, and every metric they query is a contract series (sections 7, 10 and 11). The tools
 * themselves (promtool, amtool) run here when installed, and always in CI through
 * docs/ops/check.sh.
 */
class OpsFilesTest {
    private static final Path OPS = Path.of("..", "docs", "ops");
    private static final ObjectMapper JSON = new ObjectMapper();

    // SnakeYAML comes with helidon-config-yaml; declaring it here in test scope would take it
    // off the service's runtime class path.
    private static Map<String, Object> yaml(String name) throws IOException {
        return new Yaml().load(Files.readString(OPS.resolve(name)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> rules() throws IOException {
        var rules = new ArrayList<Map<String, Object>>();
        for (Object group : (List<Object>) yaml("prometheus-alerts.yml").get("groups")) {
            var map = (Map<String, Object>) group;
            assertTrue(map.get("name") instanceof String, "every group has a name");
            rules.addAll((List<Map<String, Object>>) map.get("rules"));
        }
        return rules;
    }

    @Test
    @SuppressWarnings("unchecked")
    void theAlertRulesCoverViolationsErrorsRateLimitsProvidersAuditReadinessRestartsBudgetsQuotasAndReloads()
            throws Exception {
        var alerts = new ArrayList<String>();
        for (Map<String, Object> rule : rules()) {
            String alert = (String) rule.get("alert");
            assertTrue(alert != null && rule.get("expr") instanceof String, "alerting rule with expr: " + rule);
            var labels = (Map<String, Object>) rule.get("labels");
            assertTrue(Set.of("warning", "critical").contains(labels.get("severity")), alert + " severity");
            var annotations = (Map<String, Object>) rule.get("annotations");
            assertTrue(annotations.get("summary") instanceof String, alert + " summary");
            alerts.add(alert);
        }
        assertEquals(List.of("LlmGovernanceViolationsHigh", "LlmErrorRatioHigh", "LlmRateLimitStorm",
                "LlmProviderDown", "LlmAuditWriteErrors", "LlmReplicaNotReady", "LlmProcessRestarting",
                "LlmBudgetNearlySpent", "LlmQuotaRejectionBurst", "LlmConfigReloadRejected", "LlmStateErrors",
                "LlmStateFallbackActive", "LlmStateLatencyNearTimeout"), alerts);
    }

    @Test
    void theGovernanceAlertFiresAboveTenViolationsAnHour() throws Exception {
        Map<String, Object> rule = rules().getFirst();
        assertEquals("sum(increase(llm_governance_violations_total[1h])) > 10", rule.get("expr"));
    }

    @Test
    void theBudgetAlertDividesOnlyByAPositiveLimit() throws Exception {
        Map<String, Object> rule = rules().stream().filter(r -> "LlmBudgetNearlySpent".equals(r.get("alert")))
                .findFirst().orElseThrow();
        String expr = ((String) rule.get("expr")).replaceAll("\\s+", " ");
        assertTrue(expr.contains("(llm_budget_limit_usd > 0)") && expr.contains(">= 0.8"), expr);
    }

    @Test
    void everyMetricTheAlertRulesQueryIsAContractSeries() throws Exception {
        for (Map<String, Object> rule : rules()) {
            Set<String> names = PromqlNames.of((String) rule.get("expr"));
            assertFalse(names.isEmpty(), rule.get("alert") + " queries no metric");
            names.forEach(name -> assertTrue(ContractSeries.isContractName(name),
                    rule.get("alert") + " queries " + name + ", not a contract series"));
        }
    }

    @Test
    void theDashboardIsGrafanaJsonWithOnePanelPerConcernAndOnlyContractSeries() throws Exception {
        JsonNode dashboard = JSON.readTree(Files.readString(OPS.resolve("grafana-dashboard.json")));
        assertEquals("llm-client-service", dashboard.path("uid").asText());
        assertTrue(dashboard.path("schemaVersion").asInt() >= 36);
        var ids = new HashSet<Integer>();
        var queried = new HashSet<String>();
        var titles = new ArrayList<String>();
        for (JsonNode panel : dashboard.path("panels")) {
            assertTrue(ids.add(panel.path("id").asInt()), "panel ids are unique");
            assertEquals("timeseries", panel.path("type").asText());
            assertTrue(panel.path("gridPos").has("w") && panel.path("gridPos").has("h"));
            titles.add(panel.path("title").asText());
            assertFalse(panel.path("targets").isEmpty(), panel.path("title").asText());
            for (JsonNode target : panel.path("targets")) {
                assertFalse(target.path("refId").asText().isEmpty());
                Set<String> names = PromqlNames.of(target.path("expr").asText());
                assertFalse(names.isEmpty(), target.toString());
                for (String name : names) {
                    assertTrue(ContractSeries.isContractName(name), panel.path("title") + " queries " + name);
                    queried.add(name.endsWith("_bucket") ? name.substring(0, name.length() - "_bucket".length()) : name);
                }
            }
        }
        for (JsonNode variable : dashboard.at("/templating/list")) {
            if (variable.path("type").asText().equals("query")) {
                // Grafana's label_values(metric, label): only the first argument is a series.
                String query = variable.at("/query/query").asText();
                assertTrue(query.startsWith("label_values(") && query.contains(","), query);
                String metric = query.substring("label_values(".length(), query.indexOf(',')).strip();
                assertTrue(ContractSeries.isContractName(metric), "variable queries " + metric);
            }
        }
        assertEquals(List.of("Requests by status", "Latency p50 / p95 / p99", "Time to first token p50 / p95",
                "Tokens by type", "Errors by type", "Active requests", "Governance violations (last hour)",
                "Rate limits and retries", "Gateway overhead p50 / p99", "Audit write errors", "Readiness and restarts",
                "Spend vs budget per principal", "Cost per principal (USD per hour)",
                "Quota refusals by principal and limit", "Policy reloads", "Shared state errors and latency p99",
                "Shared state fallback in force", "Trace spans dropped"),
                titles);
        assertEquals(ContractSeries.FAMILIES.keySet(), queried, "every contract series is on the dashboard");
    }

    @Test
    @SuppressWarnings("unchecked")
    void alertmanagerSendsTheViolationAlertToSlackAndPagerDuty() throws Exception {
        Map<String, Object> config = yaml("alertmanager.yml");
        var route = (Map<String, Object>) config.get("route");
        var receivers = new HashSet<String>();
        var byName = new java.util.HashMap<String, Map<String, Object>>();
        for (Object receiver : (List<Object>) config.get("receivers")) {
            var map = (Map<String, Object>) receiver;
            receivers.add((String) map.get("name"));
            byName.put((String) map.get("name"), map);
        }
        assertTrue(receivers.contains((String) route.get("receiver")), "the default receiver exists");
        var kinds = new HashSet<String>();
        for (Object child : (List<Object>) route.get("routes")) {
            var map = (Map<String, Object>) child;
            assertTrue(receivers.contains((String) map.get("receiver")), "route to an existing receiver: " + map);
            if (((List<Object>) map.get("matchers")).contains("alertname=\"LlmGovernanceViolationsHigh\"")) {
                kinds.addAll(byName.get((String) map.get("receiver")).keySet());
            }
        }
        assertTrue(kinds.containsAll(Set.of("slack_configs", "pagerduty_configs")), kinds.toString());
    }

    @Test
    void promtoolAndAmtoolAcceptTheFilesWhenInstalled() throws Exception {
        assumeTrue(onPath("promtool") && onPath("amtool"), "promtool/amtool not installed; docs/ops/check.sh runs them in CI");
        run("promtool", "check", "rules", "prometheus-alerts.yml");
        run("promtool", "test", "rules", "prometheus-alerts.test.yml");
        run("amtool", "check-config", "alertmanager.yml");
    }

    @Test
    void thePromqlLexerFindsMetricsButNotFunctionsLabelsOrDurations() {
        assertEquals(Set.of("llm_requests_duration_seconds_bucket"), PromqlNames.of(
                "histogram_quantile(0.95, sum by (le, provider) (rate(llm_requests_duration_seconds_bucket"
                        + "{provider=~\"$provider\",model!=\"x}\"}[$__rate_interval])))"));
        assertEquals(Set.of("a_total", "b"), PromqlNames.of("sum(rate(a_total[5m])) / on (x) group_left b offset 5m"));
        assertEquals(Set.of("up"), PromqlNames.of("up == 0"));
    }

    private static boolean onPath(String tool) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, tool))) {
                return true;
            }
        }
        return false;
    }

    private static void run(String... command) throws Exception {
        Process process = new ProcessBuilder(command).directory(OPS.toFile()).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), String.join(" ", command) + " did not end");
        assertEquals(0, process.exitValue(), String.join(" ", command) + ":\n" + output);
    }
}
