package io.llmclient.application.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.telemetry.MetricsSnapshot.Bucket;
import io.llmclient.application.telemetry.MetricsSnapshot.Count;
import io.llmclient.application.telemetry.MetricsSnapshot.Distribution;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSnapshotTest {

    // Buckets 0.1, 0.5, 1 and 5 s holding 10, 30, 40 and 20 observations (100 in all).
    private static Distribution latency() {
        return new Distribution("llm_requests_duration_seconds", Map.of(), 100, 123.4, List.of(
                new Bucket(0.1, 10), new Bucket(0.5, 40), new Bucket(1, 80), new Bucket(5, 100)));
    }

    @Test
    void theMedianIsInterpolatedInsideTheBucketThatHoldsItsRankAsPromqlDoes() {
        // rank 50 lies 10 into the (0.5, 1] bucket of 40: 0.5 + 0.5 * 10/40.
        assertEquals(0.625, latency().quantile(0.5).orElseThrow(), 1e-12);
    }

    @Test
    void theLowestBucketIsInterpolatedFromZero() {
        assertEquals(0.05, latency().quantile(0.05).orElseThrow(), 1e-12);
    }

    @Test
    void theNinetyNinthPercentileFallsInTheTopBucket() {
        // rank 99 lies 19 into the (1, 5] bucket of 20: 1 + 4 * 19/20.
        assertEquals(4.8, latency().quantile(0.99).orElseThrow(), 1e-12);
    }

    @Test
    void aRankAboveTheLastFiniteBoundIsThatBound() {
        var spilled = new Distribution("d", Map.of(), 10, 900, List.of(new Bucket(1, 2), new Bucket(60, 5)));
        assertEquals(60, spilled.quantile(0.95).orElseThrow(), 1e-12);
    }

    @Test
    void emptyBucketsBelowTheRankAreSkipped() {
        var sparse = new Distribution("d", Map.of(), 4, 4, List.of(new Bucket(0.1, 0), new Bucket(1, 0),
                new Bucket(2, 4)));
        assertEquals(1.5, sparse.quantile(0.5).orElseThrow(), 1e-12);
    }

    @Test
    void nothingObservedHasNoQuantile() {
        var empty = new Distribution("d", Map.of(), 0, 0, List.of(new Bucket(1, 0)));
        assertTrue(empty.quantile(0.5).isEmpty());
    }

    @Test
    void aQuantileOutsideZeroToOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> latency().quantile(1.5));
    }

    @Test
    void labelsAreKeptSortedByName() {
        var labels = new LinkedHashMap<String, String>();
        labels.put("status", "success");
        labels.put("model", "m");
        labels.put("provider", "p");
        assertEquals(List.of("model", "provider", "status"),
                List.copyOf(new Count("llm_requests_total", labels, 1).labels().keySet()));
    }
}
