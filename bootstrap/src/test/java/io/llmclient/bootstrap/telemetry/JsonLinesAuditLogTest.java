package io.llmclient.bootstrap.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.governance.GovernanceViolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonLinesAuditLogTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static GovernanceViolation violation(String trace) {
        return new GovernanceViolation(Instant.parse("2025-01-02T03:04:05Z"),
                new A2aContext(trace, Optional.of("planner"), Optional.of("s-9")), "gpt-5", "not in ALLOWED_MODELS");
    }

    @Test
    void writesOneJsonObjectPerViolationCreatingParentDirectories() throws Exception {
        Path file = dir.resolve("nested/deeper/audit.jsonl");
        try (var audit = JsonLinesAuditLog.open(file)) {
            audit.record(violation("t-1"));
        }
        List<String> lines = Files.readAllLines(file);
        assertEquals(1, lines.size());
        assertEquals(JSON.readTree("""
                {"timestamp":"2025-01-02T03:04:05Z","trace_id":"t-1","source_agent":"planner","session_id":"s-9",
                 "attempted_model":"gpt-5","reason":"not in ALLOWED_MODELS"}"""), JSON.readTree(lines.getFirst()));
    }

    @Test
    void appendsToWhatIsAlreadyThere() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (var audit = JsonLinesAuditLog.open(file)) {
            audit.record(violation("t-1"));
        }
        try (var audit = JsonLinesAuditLog.open(file)) {
            audit.record(violation("t-2"));
            // Flushed per line: readable before close.
            assertEquals(2, Files.readAllLines(file).size());
        }
    }

    @Test
    void missingAgentIsUnknownAndMissingSessionIsNull() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (var audit = JsonLinesAuditLog.open(file)) {
            audit.record(new GovernanceViolation(Instant.EPOCH, A2aContext.ofTrace("t-3"), "x", "r"));
        }
        var entry = JSON.readTree(Files.readAllLines(file).getFirst());
        assertEquals("unknown", entry.path("source_agent").asText());
        assertEquals(true, entry.path("session_id").isNull());
    }

    @Test
    void concurrentViolationsEachGetAWholeLine() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (var audit = JsonLinesAuditLog.open(file);
             var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            IntStream.range(0, 200).forEach(i -> pool.submit(() -> audit.record(violation("t-" + i))));
            pool.shutdown();
            pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        var traces = new HashSet<String>();
        for (String line : Files.readAllLines(file)) {
            traces.add(JSON.readTree(line).path("trace_id").asText());
        }
        assertEquals(200, traces.size());
    }
}
