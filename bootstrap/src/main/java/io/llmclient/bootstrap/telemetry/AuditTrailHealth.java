package io.llmclient.bootstrap.telemetry;

import io.llmclient.application.provider.Availability;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What became of the audit trail's writes: how many failed ({@code llm_audit_write_errors_total})
 * and whether the last one did ({@code /health}'s check {@value #CHECK}: DOWN from a failed write
 * until a write succeeds again). A failed write loses an entry but not the request, so it has to
 * be visible somewhere other than the trail itself. Thread-safe.
 */
public final class AuditTrailHealth {
    /** The name of the check in {@code /health}. */
    public static final String CHECK = "audit";

    private final AtomicLong failures = new AtomicLong();
    // null while the last write succeeded (or none was tried yet).
    private volatile String lastFailure;

    /** An entry reached the file. */
    void written() {
        lastFailure = null;
    }

    /** An entry could not be written. */
    void failed(Throwable error) {
        lastFailure = "the last write failed: " + rootCause(error);
        failures.incrementAndGet();
    }

    /** Writes that failed since start-up. */
    public long failures() {
        return failures.get();
    }

    /** UP while the last write succeeded, DOWN with the failure's cause while it did not. */
    public Availability availability() {
        String failure = lastFailure;
        return failure == null ? Availability.up() : Availability.down(failure);
    }

    // The innermost cause says what went wrong ("No space left on device"); Log4j's wrapper
    // only says that writing failed.
    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }
}
