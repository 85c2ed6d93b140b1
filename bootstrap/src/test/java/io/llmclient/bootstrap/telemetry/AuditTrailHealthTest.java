package io.llmclient.bootstrap.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.application.provider.Availability;
import java.io.IOException;
import org.apache.logging.log4j.core.appender.AppenderLoggingException;
import org.junit.jupiter.api.Test;

class AuditTrailHealthTest {
    private final AuditTrailHealth health = new AuditTrailHealth();

    @Test
    void upBeforeAnyWrite() {
        assertEquals(Availability.up(), health.availability());
        assertEquals(0, health.failures());
    }

    @Test
    void downWithTheInnermostCauseWhileTheLastWriteFailed() {
        health.failed(new AppenderLoggingException("Error writing to stream x",
                new IOException("No space left on device")));
        assertEquals(Availability.down("the last write failed: No space left on device"), health.availability());
    }

    @Test
    void upAgainOnceAWriteSucceedsWhileTheFailuresStayCounted() {
        health.failed(new AppenderLoggingException("Error writing to stream x"));
        health.failed(new AppenderLoggingException("Error writing to stream x"));
        health.written();
        assertEquals(Availability.up(), health.availability());
        assertEquals(2, health.failures());
    }
}
