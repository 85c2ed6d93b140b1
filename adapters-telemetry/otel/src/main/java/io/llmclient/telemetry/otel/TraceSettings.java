package io.llmclient.telemetry.otel;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * How traces leave the process, read by bootstrap from the standard {@code OTEL_*} variables
 * (contract sections 2 and 13; docs/observability.md names each). Present only when an endpoint is
 * set: without one, tracing is off and nothing of the SDK is built.
 *
 * @param endpoint       the full OTLP/HTTP traces URL ({@code .../v1/traces})
 * @param headers        sent with every export (a collector's token: a secret)
 * @param exportTimeout  one export's limit ({@code OTEL_EXPORTER_OTLP_TIMEOUT})
 * @param serviceName    {@code service.name}
 * @param resource       further resource attributes ({@code OTEL_RESOURCE_ATTRIBUTES})
 * @param sampler        one of {@link #SAMPLERS} ({@code OTEL_TRACES_SAMPLER})
 * @param samplerRatio   the ratio of the {@code traceidratio} samplers, 0 to 1
 * @param batch          the batch span processor's queue and schedule ({@code OTEL_BSP_*})
 * @param captureContent prompt and answer text on the spans
 *                       ({@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT})
 */
public record TraceSettings(URI endpoint, Map<String, String> headers, Duration exportTimeout, String serviceName,
                            Map<String, String> resource, String sampler, double samplerRatio, Batch batch,
                            boolean captureContent) {
    /** The samplers of the OpenTelemetry specification this service understands. */
    public static final Set<String> SAMPLERS = Set.of("always_on", "always_off", "traceidratio",
            "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio");

    public TraceSettings {
        Objects.requireNonNull(endpoint, "endpoint");
        headers = Map.copyOf(headers);
        Objects.requireNonNull(exportTimeout, "exportTimeout");
        Objects.requireNonNull(serviceName, "serviceName");
        resource = Map.copyOf(resource);
        if (!SAMPLERS.contains(sampler)) {
            throw new IllegalArgumentException("unknown sampler " + sampler);
        }
        if (!(samplerRatio >= 0 && samplerRatio <= 1)) {
            throw new IllegalArgumentException("sampler ratio must be within 0..1");
        }
        Objects.requireNonNull(batch, "batch");
    }

    /**
     * The batch span processor: spans wait in a queue of {@code maxQueueSize} (one more is dropped
     * and counted), and leave at most every {@code scheduleDelay}, {@code maxExportBatchSize} at a time.
     */
    public record Batch(Duration scheduleDelay, Duration exportTimeout, int maxQueueSize, int maxExportBatchSize) {
        public Batch {
            Objects.requireNonNull(scheduleDelay, "scheduleDelay");
            Objects.requireNonNull(exportTimeout, "exportTimeout");
            if (maxQueueSize < 1 || maxExportBatchSize < 1) {
                throw new IllegalArgumentException("queue and batch sizes must be at least 1");
            }
        }

        /** The specification's defaults: 5 s, 30 s, 2048, 512. */
        public static Batch defaults() {
            return new Batch(Duration.ofSeconds(5), Duration.ofSeconds(30), 2048, 512);
        }
    }
}
