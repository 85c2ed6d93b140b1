package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code LLM_AUDIT_LOG_FILE} at start-up: created with its directories, or start-up fails with one clear line. */
class AuditTrailStartupTest {
    @TempDir
    Path dir;

    @Test
    void anUnwritableAuditPathStopsStartUpWithOneLineNamingTheKey() throws Exception {
        Files.writeString(dir.resolve("not-a-directory"), "x");
        var env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "not-a-directory/audit.jsonl");

        var failure = assertThrows(StartupFailure.class, () -> LlmClientServer.start(env, dir, List.of()).stop());

        assertEquals("LLM_AUDIT_LOG_FILE: must be a file that can be created and appended to, got \""
                + dir.resolve("not-a-directory/audit.jsonl") + "\"", failure.getMessage());
    }

    @Test
    void theAuditFileAndItsDirectoriesAreCreatedAtStartUp() {
        var env = Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "var/audit/trail.jsonl");
        try (var server = LlmClientServer.start(env, dir, List.of())) {
            assertTrue(server.port() > 0);
            assertTrue(Files.isRegularFile(dir.resolve("var/audit/trail.jsonl")));
        }
    }
}
