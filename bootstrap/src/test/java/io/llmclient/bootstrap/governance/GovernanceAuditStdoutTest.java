package io.llmclient.bootstrap.governance;

import static io.llmclient.bootstrap.governance.GovernanceWire.entry;
import static io.llmclient.bootstrap.governance.GovernanceWire.key;
import static io.llmclient.bootstrap.governance.GovernanceWire.params;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.bootstrap.LlmClientServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LLM_AUDIT_LOG_FILE=-}: audit entries go to standard output as JSON lines with
 * {@code "log":"audit"} and the principal, and no audit file is written. Standard output is
 * replaced before the service starts, so the audit appender writes to the copy this test reads.
 */
class GovernanceAuditStdoutTest {
    @TempDir
    Path dir;

    @Test
    void auditEntriesGoToStdoutMarkedAsAudit() throws Exception {
        Files.writeString(dir.resolve("policy.yaml"), "llm:\n"
                + "  prices:\n    sim-fast: {input: 0.10, output: 0.40}\n"
                + "  keys:\n" + entry("stdout-budget")
                + "      models: [sim-fast]\n      budget: {usd: 0.000000001, period: total}\n");
        var captured = new ByteArrayOutputStream();
        PrintStream original = System.out;
        System.setOut(new PrintStream(new Tee(original, captured), true, StandardCharsets.UTF_8));
        try (var server = LlmClientServer.start(Map.of("SERVER_PORT", "0", "LLM_CONFIG_FILE", "policy.yaml",
                "LLM_AUDIT_LOG_FILE", "-"), dir)) {
            var wire = new GovernanceWire(server);
            String key = key("stdout-budget");
            assertTrue(wire.rpc(key, "llm.complete", params("sim-fast", 2)).has("result"));
            JsonNode refused = wire.rpc(key, "llm.complete", params("sim-fast", 2)).path("error");
            assertEquals(-32008, refused.path("code").asInt(), refused.toString());
            assertTrue(refused.path("data").has("resets_at") && refused.path("data").path("resets_at").isNull(),
                    "total: resets_at is null in -32008 data");
            assertFalse(wire.quota(key).path("budget").has("resets_at"), "and omitted in llm.quota");
            JsonNode notAllowed = wire.rpc(key, "llm.complete", params("sim-balanced", 2)).path("error");
            assertEquals(-32001, notAllowed.path("code").asInt());
        } finally {
            System.setOut(original);
        }
        List<JsonNode> audit = captured.toString(StandardCharsets.UTF_8).lines()
                .filter(line -> line.startsWith("{")).map(GovernanceWire::parse)
                .filter(json -> json.path("log").asText().equals("audit")).toList();
        assertEquals(2, audit.size(), captured.toString(StandardCharsets.UTF_8));
        assertTrue(audit.stream().allMatch(entry -> entry.path("principal").asText().equals("stdout-budget")));
        assertEquals("budget_exceeded", audit.getFirst().path("reason").asText());
        assertEquals("sim-balanced", audit.getLast().path("attempted_model").asText());
        assertFalse(Files.exists(dir.resolve("-")), "no file named '-'");
        assertFalse(captured.toString(StandardCharsets.UTF_8).contains("canary-stdout"), "no key in the output");
    }

    /** Writes to the real stdout and to a copy. */
    private static final class Tee extends OutputStream {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second) {
            this.first = first;
            this.second = second;
        }

        @Override
        public synchronized void write(int b) throws java.io.IOException {
            first.write(b);
            second.write(b);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws java.io.IOException {
            first.write(b, off, len);
            second.write(b, off, len);
        }

        @Override
        public synchronized void flush() throws java.io.IOException {
            first.flush();
            second.flush();
        }
    }
}
