package io.llmclient.telemetry.otel;

import io.helidon.webserver.http.Filter;
import io.llmclient.application.telemetry.TracingPort;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.common.InternalTelemetryVersion;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * Tracing on: the OpenTelemetry SDK built from {@link TraceSettings} (no global instance, no
 * auto-configuration: bootstrap's layered configuration is the one source), the OTLP/HTTP protobuf
 * exporter on the JDK's HTTP client behind a batch processor (requests never wait for an export),
 * and what the rest of the service uses of it: the {@link TracingPort}, the SERVER span
 * {@link Filter}, and the count of dropped spans. {@link #close()} exports what is left, bounded.
 */
public final class OtelTraces implements AutoCloseable {
    private static final String INSTRUMENTATION = "io.llmclient.gateway";

    private final SdkTracerProvider tracerProvider;
    private final SdkMeterProvider selfMetrics;
    private final DroppedSpans dropped;
    private final OtelTracing port;
    private final ServerSpanFilter filter;

    private OtelTraces(SdkTracerProvider tracerProvider, SdkMeterProvider selfMetrics, DroppedSpans dropped,
                       boolean captureContent) {
        this.tracerProvider = tracerProvider;
        this.selfMetrics = selfMetrics;
        this.dropped = dropped;
        Tracer tracer = tracerProvider.get(INSTRUMENTATION);
        TextMapPropagator propagator = W3CTraceContextPropagator.getInstance();
        this.port = new OtelTracing(tracer, propagator, captureContent);
        this.filter = new ServerSpanFilter(tracer, propagator);
    }

    /** Starts the SDK exporting as {@code settings} say. */
    public static OtelTraces start(TraceSettings settings) {
        Objects.requireNonNull(settings, "settings");
        var dropped = new DroppedSpans();
        SdkMeterProvider selfMetrics = SdkMeterProvider.builder().registerMetricReader(dropped).build();
        var exporter = OtlpHttpSpanExporter.builder()
                .setEndpoint(settings.endpoint().toString())
                .setTimeout(settings.exportTimeout())
                .setMeterProvider(() -> selfMetrics)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST);
        settings.headers().forEach(exporter::addHeader);
        return start(settings, exporter.build(), selfMetrics, dropped);
    }

    /** As {@link #start(TraceSettings)}, exporting to {@code exporter} instead (tests: in memory). */
    public static OtelTraces start(TraceSettings settings, SpanExporter exporter) {
        var dropped = new DroppedSpans();
        return start(settings, exporter, SdkMeterProvider.builder().registerMetricReader(dropped).build(), dropped);
    }

    private static OtelTraces start(TraceSettings settings, SpanExporter exporter, SdkMeterProvider selfMetrics,
                                    DroppedSpans dropped) {
        TraceSettings.Batch batch = settings.batch();
        SpanProcessor processor = BatchSpanProcessor.builder(exporter)
                .setScheduleDelay(batch.scheduleDelay())
                .setExporterTimeout(batch.exportTimeout())
                .setMaxQueueSize(batch.maxQueueSize())
                .setMaxExportBatchSize(Math.min(batch.maxExportBatchSize(), batch.maxQueueSize()))
                .setMeterProvider(() -> selfMetrics)
                .setInternalTelemetryVersion(InternalTelemetryVersion.LATEST)
                .build();
        AttributesBuilder resource = Attributes.builder();
        settings.resource().forEach(resource::put);
        resource.put("service.name", settings.serviceName());
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .setResource(Resource.getDefault().merge(Resource.create(resource.build())))
                .setSampler(sampler(settings))
                .addSpanProcessor(processor)
                .build();
        return new OtelTraces(provider, selfMetrics, dropped, settings.captureContent());
    }

    static Sampler sampler(TraceSettings settings) {
        return switch (settings.sampler()) {
            case "always_on" -> Sampler.alwaysOn();
            case "always_off" -> Sampler.alwaysOff();
            case "traceidratio" -> Sampler.traceIdRatioBased(settings.samplerRatio());
            case "parentbased_always_off" -> Sampler.parentBased(Sampler.alwaysOff());
            case "parentbased_traceidratio" -> Sampler.parentBased(Sampler.traceIdRatioBased(settings.samplerRatio()));
            default -> Sampler.parentBased(Sampler.alwaysOn());
        };
    }

    /** What the application reports its requests and attempts to. */
    public TracingPort tracing() {
        return port;
    }

    /** The SERVER span filter; installed first of all the routing's filters. */
    public Filter serverSpans() {
        return filter;
    }

    /** Spans that never reached the collector so far ({@code llm_trace_spans_dropped_total}). */
    public long droppedSpans() {
        return dropped.total();
    }

    /** Exports the spans still queued, waiting at most 5 seconds, then stops the exporter thread. */
    @Override
    public void close() {
        tracerProvider.shutdown().join(5, TimeUnit.SECONDS);
        selfMetrics.shutdown().join(1, TimeUnit.SECONDS);
    }
}
