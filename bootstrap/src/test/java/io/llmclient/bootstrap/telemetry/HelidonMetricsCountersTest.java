package io.llmclient.bootstrap.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.MetricsConfig;
import java.lang.ref.WeakReference;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The counters read at each scrape keep reading after a garbage collection: Micrometer holds a
 * function counter's state weakly, and a lambda held nowhere else used to be collected, freezing
 * {@code llm_trace_spans_dropped_total} at its last value (a flaky end-to-end test found it).
 */
class HelidonMetricsCountersTest {

    @Test
    void droppedSpansAreStillReadAfterAGarbageCollection() {
        MeterRegistry registry = MeterRegistry.create(MetricsConfig.builder().warnOnMultipleRegistries(false).build());
        var metrics = new HelidonMetrics(registry, model -> true);
        var dropped = new AtomicLong();
        metrics.countDroppedSpans(dropped::get);
        assertEquals(0, count(registry, "llm_trace_spans_dropped"));

        collectGarbage();
        dropped.set(7);

        assertEquals(7, count(registry, "llm_trace_spans_dropped"));
    }

    private static long count(MeterRegistry registry, String name) {
        return registry.meters().stream().filter(meter -> meter.id().name().equals(name))
                .map(FunctionalCounter.class::cast).findFirst().orElseThrow().count();
    }

    /** Runs the collector until an object reachable only weakly is gone. */
    private static void collectGarbage() {
        var canary = new WeakReference<>(new Object());
        for (int i = 0; i < 50 && canary.get() != null; i++) {
            System.gc();
        }
        assertNull(canary.get(), "a garbage collection ran");
    }
}
