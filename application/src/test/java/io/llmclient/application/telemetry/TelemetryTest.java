package io.llmclient.application.telemetry;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TelemetryTest {

    @Test
    void theNoOpMetricsPortAcceptsEveryCall() {
        var model = ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST);
        var none = MetricsPort.none();
        assertDoesNotThrow(() -> {
            none.started(model);
            none.firstToken(model, Duration.ZERO);
            none.succeeded(model, Duration.ZERO, Usage.ZERO);
            none.failed(model, Duration.ZERO, "ProviderError");
            none.governanceViolation("gpt-4", "unknown");
        });
    }

    @Test
    void theSystemTimeSourceReadsTheSystemClocks() {
        var system = TimeSource.system();
        Instant before = Instant.now();
        long firstNanos = system.nanoTime();
        assertFalse(system.now().isBefore(before));
        assertTrue(system.nanoTime() >= firstNanos);
    }

    @Test
    void aRequestRecordNeedsEveryField() {
        var context = A2aContext.ofTrace("t");
        assertThrows(NullPointerException.class, () -> new RequestRecord(context, "complete", Optional.empty(),
                Optional.empty(), Duration.ZERO, null, Optional.empty()));
        assertThrows(NullPointerException.class, () -> new RequestRecord(null, "complete", Optional.empty(),
                Optional.empty(), Duration.ZERO, RequestRecord.Status.SUCCESS, Optional.empty()));
    }
}
