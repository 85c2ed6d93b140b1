package io.llmclient.bootstrap.telemetry;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.telemetry.AuditPort;
import io.llmclient.domain.governance.GovernanceViolation;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractOutputStreamAppender;
import org.apache.logging.log4j.core.appender.AppenderLoggingException;
import org.apache.logging.log4j.core.appender.ConsoleAppender;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.appender.RollingFileAppender;
import org.apache.logging.log4j.core.appender.rolling.CompositeTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.DefaultRolloverStrategy;
import org.apache.logging.log4j.core.appender.rolling.SizeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.TimeBasedTriggeringPolicy;
import org.apache.logging.log4j.core.appender.rolling.action.Action;
import org.apache.logging.log4j.core.appender.rolling.action.DeleteAction;
import org.apache.logging.log4j.core.appender.rolling.action.IfFileName;
import org.apache.logging.log4j.core.appender.rolling.action.IfLastModified;
import org.apache.logging.log4j.core.appender.rolling.action.PathCondition;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;

/**
 * The audit trail as JSON lines ({@code LLM_AUDIT_LOG_FILE}): one object per governance
 * violation with {@code timestamp}, {@code trace_id}, {@code principal}, {@code source_agent},
 * {@code session_id}, {@code attempted_model}, {@code reason}. {@code LLM_AUDIT_LOG_FILE=-} writes
 * the entries to standard output instead, each with {@code "log":"audit"}.
 *
 * <p>Written by a Log4j {@link RollingFileAppender} of its own (not a logger: the trail must not
 * depend on log levels or on the stdout configuration): each entry is flushed to the operating
 * system before the refusal is answered, so a crash of the service loses no entry a caller was
 * told about. The file rolls over daily and at {@value #MAX_FILE_SIZE} into
 * {@code <file>.<yyyy-MM-dd>.<n>.gz} beside it; rolled files older than {@value #RETENTION_DAYS}
 * days are deleted at a rollover. A path that is not a regular file (a device such as
 * {@code /dev/stdout}, a named pipe) is written as it is, by a plain {@link FileAppender}: renaming
 * and compressing a device at midnight would be wrong, and as root it would even succeed.
 *
 * <p>A write that fails (a full disk) does not fail the request whose refusal it records: it is
 * logged, counted and shown in {@code /health} through {@link #health()}. Thread-safe: the
 * appender serialises writes.
 */
public final class JsonLinesAuditLog implements AuditPort, AutoCloseable {
    static final int RETENTION_DAYS = 90;
    static final String MAX_FILE_SIZE = "100 MB";
    private static final Logger LOG = LogManager.getLogger(JsonLinesAuditLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AUDIT_LOGGER = "io.llmclient.audit";

    /** The {@code LLM_AUDIT_LOG_FILE} value that sends entries to standard output. */
    public static final String STDOUT = "-";

    private final Path file;
    private final AbstractOutputStreamAppender<?> appender;
    private final AuditTrailHealth health = new AuditTrailHealth();
    private final boolean toStdout;

    private JsonLinesAuditLog(Path file, AbstractOutputStreamAppender<?> appender, boolean toStdout) {
        this.file = file;
        this.appender = appender;
        this.toStdout = toStdout;
    }

    /**
     * Opens the trail, creating the file and its directories if needed.
     *
     * @throws UncheckedIOException when the file cannot be created or appended to
     */
    public static JsonLinesAuditLog open(Path file) {
        if (file.toString().equals(STDOUT)) {
            // For replicas whose files do not outlive the pod: the log pipeline collects stdout.
            Configuration config = LoggerContext.getContext(false).getConfiguration();
            ConsoleAppender console = ConsoleAppender.newBuilder()
                    .setName("audit:stdout")
                    .setConfiguration(config)
                    .setTarget(ConsoleAppender.Target.SYSTEM_OUT)
                    .setImmediateFlush(true)
                    .setIgnoreExceptions(false)
                    .setLayout(layout(config))
                    .build();
            console.start();
            return new JsonLinesAuditLog(file, console, true);
        }
        Path absolute = file.toAbsolutePath().normalize();
        // Log4j reports a file it cannot open on its status logger only; checking first turns an
        // unwritable path into a start-up failure.
        try {
            Path parent = absolute.getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream probe = Files.newOutputStream(absolute, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND, StandardOpenOption.WRITE)) {
                probe.flush();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit log " + file, e);
        }
        AbstractOutputStreamAppender<?> appender = Files.isRegularFile(absolute) ? rolling(absolute) : plain(absolute);
        if (appender == null) {
            throw new UncheckedIOException(new IOException("cannot open audit log " + file));
        }
        appender.start();
        return new JsonLinesAuditLog(absolute, appender, false);
    }

    private static FileAppender plain(Path file) {
        Configuration config = LoggerContext.getContext(false).getConfiguration();
        return FileAppender.newBuilder()
                .setName("audit:" + file)
                .setConfiguration(config)
                .withFileName(file.toString())
                .withAppend(true)
                .setImmediateFlush(true)
                .setIgnoreExceptions(false)
                .setLayout(layout(config))
                .build();
    }

    private static PatternLayout layout(Configuration config) {
        return PatternLayout.newBuilder().withPattern("%m%n").withCharset(StandardCharsets.UTF_8)
                .withConfiguration(config).build();
    }

    private static RollingFileAppender rolling(Path file) {
        Configuration config = LoggerContext.getContext(false).getConfiguration();
        String name = file.getFileName().toString();
        PathCondition oldRolledFiles = IfFileName.createNameCondition(name + ".*", null,
                IfLastModified.newBuilder().setAge(Duration.ofDays(RETENTION_DAYS)).build());
        Action retention = DeleteAction.createDeleteAction(file.getParent().toString(), false, 1, false, null,
                new PathCondition[] {oldRolledFiles}, null, config);
        return RollingFileAppender.newBuilder()
                .setName("audit:" + file)
                .setConfiguration(config)
                .withFileName(file.toString())
                .withFilePattern(file + ".%d{yyyy-MM-dd}.%i.gz")
                .withAppend(true)
                .setImmediateFlush(true)
                .setIgnoreExceptions(false)
                .setLayout(layout(config))
                .withPolicy(CompositeTriggeringPolicy.createPolicy(
                        TimeBasedTriggeringPolicy.newBuilder().withInterval(1).build(),
                        SizeBasedTriggeringPolicy.createPolicy(MAX_FILE_SIZE)))
                .withStrategy(DefaultRolloverStrategy.newBuilder().withMax("1000").withConfig(config)
                        .withCustomActions(new Action[] {retention}).build())
                .build();
    }

    @Override
    public void record(GovernanceViolation violation) {
        ObjectNode entry = JSON.createObjectNode();
        if (toStdout) {
            // Tells audit entries apart from the service's own log lines on the same stream.
            entry.put("log", "audit");
        }
        entry.put("timestamp", violation.timestamp().toString())
                .put("trace_id", violation.context().traceId())
                // Recorded as "unknown" when absent, as the violation metric labels it.
                .put("principal", violation.context().principal())
                .put("source_agent", violation.context().sourceAgentOrUnknown())
                .put("session_id", violation.context().sessionId().orElse(null))
                .put("attempted_model", violation.attemptedModel())
                .put("reason", violation.reason());
        try {
            appender.append(Log4jLogEvent.newBuilder()
                    .setLoggerName(AUDIT_LOGGER)
                    .setLevel(Level.INFO)
                    .setTimeMillis(violation.timestamp().toEpochMilli())
                    .setMessage(new SimpleMessage(JSON.writeValueAsString(entry)))
                    .build());
            health.written();
        } catch (AppenderLoggingException | JsonProcessingException e) {
            // The request has already been refused; losing its audit line must not turn the
            // refusal into a 500, but it must be visible: logged, counted, and in /health.
            health.failed(e);
            LOG.error("cannot write audit log {}: {}", file, e.toString());
        }
    }

    /** How the writes went: for the write-error counter and the {@code audit} check of {@code /health}. */
    public AuditTrailHealth health() {
        return health;
    }

    /** Rolls the file over now, as the daily policy would: for tests and operators' tools. */
    void rollOver() {
        if (appender instanceof RollingFileAppender rolling) {
            rolling.getManager().rollover();
        }
    }

    @Override
    public void close() {
        appender.stop();
    }
}
