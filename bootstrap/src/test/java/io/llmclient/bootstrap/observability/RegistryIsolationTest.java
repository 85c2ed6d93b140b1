package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.bootstrap.LlmClientServer;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A server's series go with it: one started later in the same JVM scrapes none of them. */
class RegistryIsolationTest {
    @TempDir
    Path dir;

    @Test
    void aStoppedServerLeavesNoSeriesInTheNextServersScrape() {
        var env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl");
        try (var first = LlmClientServer.start(env, dir)) {
            new ServiceClient(first).rpc("llm.complete", """
                    {"model":"sim-premium","messages":[{"role":"user","content":"Hi"}],"source_agent":"isolated"}""");
            new ServiceClient(first).rpc("llm.complete", """
                    {"model":"gpt-5","messages":[{"role":"user","content":"Hi"}],"source_agent":"isolated"}""");
            assertEquals(1.0, Scrape.of(first).counter("llm_requests_total",
                    Map.of("provider", "simulator", "model", "sim-premium", "status", "success")));
        }
        try (var second = LlmClientServer.start(env, dir)) {
            Scrape scrape = Scrape.of(second);
            // Only the series registered at start-up: the audit write-error counter at 0, readiness,
            // the process start, and the dropped-spans counter (0: tracing is off).
            var atStartUp = java.util.Set.of("llm_audit_write_errors_total", "llm_ready",
                    "llm_process_start_time_seconds", "llm_trace_spans_dropped_total");
            assertTrue(scrape.families().stream().noneMatch(family -> family.getName().startsWith("llm_")
                    && !atStartUp.contains(family.getName())), scrape.body());
            assertEquals(0.0, scrape.counter("llm_audit_write_errors_total", Map.of()));
        }
    }
}
