package io.llmclient.telemetry.otel;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.LongPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.export.CollectionRegistration;
import io.opentelemetry.sdk.metrics.export.MetricReader;

/**
 * Reads the SDK's own counts of spans that never reached the collector, for
 * {@code llm_trace_spans_dropped_total} (contract section 14): spans the batch processor dropped
 * because its queue was full (the exporter could not keep up), and spans of exports that failed (the
 * collector unreachable, slow past the timeout, or refusing). The SDK counts them under the
 * semantic conventions' names with an {@code error.type}; this reader sums those, when asked (a
 * scrape), and never exports anything.
 */
final class DroppedSpans implements MetricReader {
    // The processor's count alone: it sets error.type on a full queue and on a failed export both
    // (the exporter's own count would count a failed export a second time).
    private static final String PROCESSED = "otel.sdk.processor.span.processed";
    private static final AttributeKey<String> ERROR_TYPE = AttributeKey.stringKey("error.type");

    private volatile CollectionRegistration registration = CollectionRegistration.noop();

    /** Spans dropped so far, since start. */
    long total() {
        long dropped = 0;
        for (MetricData metric : registration.collectAllMetrics()) {
            if (PROCESSED.equals(metric.getName()) && metric.getType() == MetricDataType.LONG_SUM) {
                for (LongPointData point : metric.getLongSumData().getPoints()) {
                    if (point.getAttributes().get(ERROR_TYPE) != null) {
                        dropped += point.getValue();
                    }
                }
            }
        }
        return dropped;
    }

    @Override
    public void register(CollectionRegistration registration) {
        this.registration = registration;
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType instrumentType) {
        return AggregationTemporality.CUMULATIVE;
    }

    @Override
    public CompletableResultCode forceFlush() {
        return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
