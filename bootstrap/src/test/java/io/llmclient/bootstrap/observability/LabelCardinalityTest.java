package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.bootstrap.LlmClientServer;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.failure.LlmFailureException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.config.Configurator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Callers choose model and agent names; the series they can create must stay bounded. Model
 * label values are catalog ids or {@code other}; agent names are sanitised and capped at 100
 * distinct values, later ones counted as {@code other}.
 */
class LabelCardinalityTest {
    private static final int JUNK = 10_000;
    private static final int AGENT_CAP = 100;

    @TempDir
    Path dir;

    @Test
    void tenThousandDistinctJunkModelAndAgentNamesCreateABoundedNumberOfSeries() throws Exception {
        var env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl");
        String requestLogger = "io.llmclient.request";
        Level level = LogManager.getLogger(requestLogger).getLevel();
        // Twenty thousand request lines would say nothing here; the audit file still gets every entry.
        Configurator.setLevel(requestLogger, Level.WARN);
        try (var server = LlmClientServer.start(env, dir)) {
            for (int i = 0; i < JUNK; i++) {
                String agent = "agent-" + i + " <" + "\u00e9".repeat(i % 7) + ">" + "z".repeat(i % 90);
                var context = new A2aContext("t-" + i, Optional.of(agent), Optional.empty());
                String model = "junk-model-" + i + "-" + Integer.toHexString(i * 7919);
                assertThrows(LlmFailureException.class, () -> server.service().complete(Map.of("model", model,
                        "messages", List.of(Map.of("role", "user", "content", "hi"))), context));
            }
            // Successful calls with junk agents add no agent label to the request series at all.
            for (int i = 0; i < 50; i++) {
                server.service().complete(Map.of("messages", List.of(Map.of("role", "user", "content", "hi"))),
                        new A2aContext("s-" + i, Optional.of("caller-" + i), Optional.empty()));
            }
            Scrape scrape = Scrape.of(server);

            var violations = scrape.labelSets("llm_governance_violations_total");
            assertEquals(AGENT_CAP + 1, violations.size(), "100 admitted agents and other");
            assertTrue(violations.stream().allMatch(set -> set.get("model").equals("other")));
            var agents = new HashSet<String>();
            violations.forEach(set -> agents.add(set.get("source_agent")));
            assertTrue(agents.contains("other"));
            assertTrue(agents.stream().allMatch(agent -> agent.length() <= 64
                    && agent.chars().allMatch(c -> Character.isLetterOrDigit(c) || ".:_-".indexOf(c) >= 0)), agents.toString());
            double total = violations.stream()
                    .mapToDouble(set -> scrape.counter("llm_governance_violations_total", set)).sum();
            assertEquals(JUNK, total, "every refusal is still counted");
            long llmSeries = scrape.families().stream().filter(family -> family.getName().startsWith("llm_"))
                    .mapToLong(family -> family.getMetrics().size()).sum();
            assertTrue(llmSeries < 120, "llm_ series in all: " + llmSeries);
            assertEquals(JUNK, Files.readAllLines(dir.resolve("audit.jsonl")).size(),
                    "the audit trail names every attempted model");
        } finally {
            Configurator.setLevel(requestLogger, level);
        }
    }
}
