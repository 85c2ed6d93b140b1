package io.llmclient.bootstrap.telemetry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.domain.governance.GovernanceViolation;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;

/**
 * The audit trail as JSON lines ({@code LLM_AUDIT_LOG_FILE}): one object per governance
 * violation with {@code timestamp}, {@code trace_id}, {@code source_agent}, {@code session_id},
 * {@code attempted_model}, {@code reason}. Appends, flushes after each line, safe across threads.
 */
public final class JsonLinesAuditLog implements AuditPort, AutoCloseable {
    private static final Logger LOG = LogManager.getLogger(JsonLinesAuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path file;
    private final BufferedWriter writer;
    private final ReentrantLock lock = new ReentrantLock();

    private JsonLinesAuditLog(Path file, BufferedWriter writer) {
        this.file = file;
        this.writer = writer;
    }

    /** Opens (creating it and its directories if needed) the file for appending. */
    public static JsonLinesAuditLog open(Path file) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            return new JsonLinesAuditLog(file, Files.newBufferedWriter(file, StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file, e);
        }
    }

    @Override
    public void record(GovernanceViolation violation) {
        ObjectNode entry = JSON.createObjectNode()
                .put("timestamp", violation.timestamp().toString())
                .put("trace_id", violation.context().traceId())
                // Recorded as "unknown" when absent, as the violation metric labels it.
                .put("source_agent", violation.context().sourceAgentOrUnknown())
                .put("session_id", violation.context().sessionId().orElse(null))
                .put("attempted_model", violation.attemptedModel())
                .put("reason", violation.reason());
        lock.lock();
        try {
            writer.write(JSON.writeValueAsString(entry));
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            // The request has already been refused; losing its audit line must not turn the
            // refusal into a 500, but it must be visible.
            LOG.error("cannot write audit log {}: {}", file, e.toString());
        } finally {
            lock.unlock();
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            writer.close();
        } catch (IOException e) {
            LOG.warn("cannot close audit log {}: {}", file, e.toString());
        } finally {
            lock.unlock();
        }
    }
}
