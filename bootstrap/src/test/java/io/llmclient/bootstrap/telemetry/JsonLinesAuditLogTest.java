package io.llmclient.bootstrap.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.Availability;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.governance.GovernanceViolation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.zip.GZIPInputStream;
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
                {"timestamp":"2025-01-02T03:04:05Z","trace_id":"t-1","principal":"anonymous","source_agent":"planner",
                 "session_id":"s-9",
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

    @Test
    void aPathThatCannotBeCreatedIsRefusedAtOnce() throws Exception {
        Files.writeString(dir.resolve("plain-file"), "x");
        assertThrows(UncheckedIOException.class, () -> JsonLinesAuditLog.open(dir.resolve("plain-file/audit.jsonl")));
    }

    @Test
    void aWriteThatFailsIsCountedAndShownDownWithoutThrowing() throws Exception {
        // /dev/full opens fine and refuses every write with ENOSPC: a full disk after start-up.
        // Through a link in the test's directory, as below.
        assumeTrue(Files.exists(Path.of("/dev/full")), "needs Linux's /dev/full");
        Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), Path.of("/dev/full"));
        try (var audit = JsonLinesAuditLog.open(link)) {
            audit.record(violation("t-lost"));
            audit.record(violation("t-lost-too"));
            assertEquals(2, audit.health().failures());
            assertEquals(Availability.down("the last write failed: No space left on device"),
                    audit.health().availability());
        }
    }

    @Test
    void aSuccessfulWriteLeavesTheTrailUp() {
        try (var audit = JsonLinesAuditLog.open(dir.resolve("audit.jsonl"))) {
            audit.record(violation("t-1"));
            assertEquals(Availability.up(), audit.health().availability());
            assertEquals(0, audit.health().failures());
        }
    }

    @Test
    void aDeviceIsWrittenWithoutRollingItOver() throws Exception {
        // Through a link in the test's directory: a rollover, were there one, would move the
        // link, never the device itself.
        assumeTrue(Files.exists(Path.of("/dev/null")), "needs /dev/null");
        Path link = Files.createSymbolicLink(dir.resolve("audit.jsonl"), Path.of("/dev/null"));
        try (var audit = JsonLinesAuditLog.open(link)) {
            audit.record(violation("t-1"));
            audit.rollOver();
            audit.record(violation("t-2"));
        }
        assertTrue(Files.isSymbolicLink(link), "the trail was not moved aside");
        assertEquals(List.of(), rolledFiles());
    }

    @Test
    void aRolloverMovesTheEntriesToACompressedDatedFileAndStartsAnEmptyOne() throws Exception {
        Path file = dir.resolve("audit.jsonl");
        try (var audit = JsonLinesAuditLog.open(file)) {
            audit.record(violation("t-old"));
            audit.rollOver();
            audit.record(violation("t-new"));
            // Compression runs after the rename, on Log4j's own thread.
            await(() -> rolledFiles().stream().anyMatch(path -> path.toString().endsWith(".gz")));
        }
        assertEquals(List.of("t-new"), traces(Files.readAllLines(file)));
        Path rolled = rolledFiles().getFirst();
        assertTrue(rolled.getFileName().toString().matches("audit\\.jsonl\\.\\d{4}-\\d\\d-\\d\\d\\.1\\.gz"),
                rolled.toString());
        try (var in = new GZIPInputStream(Files.newInputStream(rolled))) {
            assertEquals(List.of("t-old"), traces(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
                    .lines().toList()));
        }
    }

    @Test
    void aRolloverDeletesRolledFilesOlderThanNinetyDaysAndNothingElse() throws Exception {
        Path expired = aged("audit.jsonl.2024-01-01.1.gz", 91);
        Path kept = aged("audit.jsonl.2024-03-01.1.gz", 89);
        Path unrelated = aged("other.log", 400);
        try (var audit = JsonLinesAuditLog.open(dir.resolve("audit.jsonl"))) {
            audit.record(violation("t-1"));
            audit.rollOver();
            await(() -> !Files.exists(expired));
        }
        assertTrue(Files.exists(kept), "89 days old is kept");
        assertTrue(Files.exists(unrelated), "only the trail's own rolled files are touched");
        assertFalse(Files.exists(expired));
    }

    private Path aged(String name, int days) throws IOException {
        Path path = Files.writeString(dir.resolve(name), "x");
        Files.setLastModifiedTime(path, FileTime.from(Instant.now().minus(Duration.ofDays(days))));
        return path;
    }

    private List<Path> rolledFiles() {
        try (var files = Files.list(dir)) {
            return files.filter(path -> path.getFileName().toString().startsWith("audit.jsonl.")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> traces(List<String> lines) throws IOException {
        var traces = new java.util.ArrayList<String>();
        for (String line : lines) {
            traces.add(JSON.readTree(line).path("trace_id").asText());
        }
        return traces;
    }

    // Waits for Log4j's asynchronous rollover actions; not a timing assertion.
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "rollover did not finish");
            Thread.sleep(20);
        }
    }
}
