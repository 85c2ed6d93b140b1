package io.llmclient.telemetry.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * The SDK as the service runs it: a batch processor in front of the exporter, so that a span's end
 * never waits for a collector; spans the collector never got are counted
 * ({@code llm_trace_spans_dropped_total}); what is queued at shutdown is exported.
 */
class OtelTracesTest {
    private static final ModelEntry MINI = new ModelEntry("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST,
            "gpt-4.1-mini");
    private static final ChatRequest REQUEST = ChatRequest.of("gpt-4.1-mini", List.of(new Message(Role.USER, "Hi")),
            A2aContext.ofTrace("t"));

    private static TraceSettings settings(URI endpoint, Duration exportTimeout, TraceSettings.Batch batch) {
        return new TraceSettings(endpoint, Map.of(), exportTimeout, "llm-client-service", Map.of(), "always_on", 1.0,
                batch, false);
    }

    private static void endSpans(OtelTraces traces, int count) {
        for (int i = 0; i < count; i++) {
            traces.tracing().attemptStarted(MINI, REQUEST).failed("ProviderError");
        }
    }

    /** Keeps what it was given, shutdown or not (the SDK's in-memory exporter forgets at shutdown). */
    private static final class Collecting implements SpanExporter {
        final List<SpanData> spans = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public CompletableResultCode export(Collection<SpanData> batch) {
            spans.addAll(batch);
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            return CompletableResultCode.ofSuccess();
        }
    }

    /** An exporter stuck in its first export until released: a collector that stopped answering. */
    private static final class StalledExporter implements SpanExporter {
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public CompletableResultCode export(Collection<SpanData> spans) {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode flush() {
            return CompletableResultCode.ofSuccess();
        }

        @Override
        public CompletableResultCode shutdown() {
            release.countDown();
            return CompletableResultCode.ofSuccess();
        }
    }

    @Test
    void aStalledCollectorNeverHoldsASpanAndTheOverflowIsCounted() {
        var stalled = new StalledExporter();
        OtelTraces traces = OtelTraces.start(settings(URI.create("http://127.0.0.1:1/v1/traces"), Duration.ofSeconds(1),
                new TraceSettings.Batch(Duration.ofMillis(1), Duration.ofSeconds(30), 8, 4)), stalled);
        try {
            // 1000 spans end at once although no export finishes: the request threads never wait.
            assertTimeoutPreemptively(Duration.ofSeconds(10), () -> endSpans(traces, 1000));
            long dropped = traces.droppedSpans();
            // At most the queue (8) and the batch being exported (4) were kept.
            assertTrue(dropped >= 1000 - 8 - 4 && dropped <= 1000, () -> "dropped " + dropped);
        } finally {
            stalled.release.countDown();
            traces.close();
        }
    }

    @Test
    void spansOfExportsToAnUnreachableCollectorAreCounted() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        OtelTraces traces = OtelTraces.start(settings(URI.create("http://127.0.0.1:" + closedPort + "/v1/traces"),
                Duration.ofMillis(500), new TraceSettings.Batch(Duration.ofMillis(10), Duration.ofSeconds(30), 64, 64)));
        try {
            endSpans(traces, 3);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (traces.droppedSpans() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(3, traces.droppedSpans());
        } finally {
            traces.close();
        }
    }

    @Test
    void closingExportsWhatIsStillQueued() {
        var exported = new Collecting();
        OtelTraces traces = OtelTraces.start(settings(URI.create("http://127.0.0.1:1/v1/traces"), Duration.ofSeconds(1),
                new TraceSettings.Batch(Duration.ofHours(1), Duration.ofSeconds(30), 64, 64)), exported);
        endSpans(traces, 2);
        traces.close();
        assertEquals(2, exported.spans.size());
        assertEquals(0, traces.droppedSpans());
    }

    @Test
    void theResourceNamesTheServiceAndItsAttributes() {
        var exported = new Collecting();
        var settings = new TraceSettings(URI.create("http://127.0.0.1:1/v1/traces"), Map.of(), Duration.ofSeconds(1),
                "gateway-eu", Map.of("deployment.environment.name", "prod", "service.name", "ignored"), "always_on",
                1.0, TraceSettings.Batch.defaults(), false);
        OtelTraces traces = OtelTraces.start(settings, exported);
        endSpans(traces, 1);
        traces.close();
        var resource = exported.spans.getFirst().getResource();
        assertEquals("gateway-eu", resource.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey(
                "service.name")));
        assertEquals("prod", resource.getAttribute(io.opentelemetry.api.common.AttributeKey.stringKey(
                "deployment.environment.name")));
    }

    @Test
    void everySamplerOfTheSpecificationIsBuilt() {
        for (String name : TraceSettings.SAMPLERS) {
            var settings = new TraceSettings(URI.create("http://127.0.0.1:1/v1/traces"), Map.of(),
                    Duration.ofSeconds(1), "s", Map.of(), name, 0.25, TraceSettings.Batch.defaults(), false);
            String description = OtelTraces.sampler(settings).getDescription();
            assertEquals(name.startsWith("parentbased"), description.startsWith("ParentBased"), description);
            assertEquals(name.contains("ratio"), description.contains("0.25") || description.contains("0.250000"),
                    description);
        }
    }

    @Test
    void alwaysOffRecordsNothingYetTheAttemptStillCarriesATraceparent() {
        var exported = new Collecting();
        var settings = new TraceSettings(URI.create("http://127.0.0.1:1/v1/traces"), Map.of(), Duration.ofSeconds(1),
                "s", Map.of(), "always_off", 1.0, TraceSettings.Batch.defaults(), false);
        OtelTraces traces = OtelTraces.start(settings, exported);
        var attempt = traces.tracing().attemptStarted(MINI, REQUEST);
        attempt.failed("ProviderError");
        traces.close();
        assertEquals(List.of(), exported.spans);
        String flags = attempt.headers().get("traceparent").substring(53);
        assertEquals(0, Integer.parseInt(flags, 16) & 1, () -> "not sampled: " + attempt.headers());
    }
}
