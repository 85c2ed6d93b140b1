package io.llmclient.application.telemetry;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.TreeMap;

/**
 * The service's {@code llm_*} series as read from the metrics registry at one moment: the same
 * meters {@code GET /metrics} exposes, read again rather than counted a second time, so that
 * {@code llm.metrics} and a Prometheus scrape cannot disagree. Each series carries its Prometheus
 * family name ({@code llm_requests_total}, {@code llm_requests_duration_seconds}, ...) and its
 * labels (without Helidon's {@code scope}), so series added later are carried without an edit.
 */
public record MetricsSnapshot(List<Series> series) {

    public MetricsSnapshot {
        series = List.copyOf(series);
    }

    /** One labelled series of a family. */
    public sealed interface Series permits Count, Level, Distribution {
        /** The Prometheus family name, such as {@code llm_requests_total}. */
        String name();

        /** Label name to value, sorted by name. */
        Map<String, String> labels();
    }

    /** A counter's value: only ever goes up. */
    public record Count(String name, Map<String, String> labels, long value) implements Series {
        public Count {
            Objects.requireNonNull(name, "name");
            labels = sorted(labels);
        }
    }

    /** A gauge's current value. */
    public record Level(String name, Map<String, String> labels, double value) implements Series {
        public Level {
            Objects.requireNonNull(name, "name");
            labels = sorted(labels);
        }
    }

    /**
     * A histogram: how many observations, their sum, and the cumulative count at each finite upper
     * bound (ascending). Observations above the last bound are counted in {@code count} only, as
     * Prometheus's {@code +Inf} bucket does.
     */
    public record Distribution(String name, Map<String, String> labels, long count, double sum,
                               List<Bucket> buckets) implements Series {
        public Distribution {
            Objects.requireNonNull(name, "name");
            labels = sorted(labels);
            buckets = List.copyOf(buckets);
        }

        /**
         * The {@code q}-quantile estimated from the buckets exactly as PromQL's
         * {@code histogram_quantile} does: linear interpolation inside the bucket holding the rank,
         * the lowest bucket starting at 0, and the last finite bound when the rank falls above it.
         * Empty when nothing was observed.
         */
        public OptionalDouble quantile(double q) {
            if (q < 0 || q > 1 || Double.isNaN(q)) {
                throw new IllegalArgumentException("quantile must be within 0..1: " + q);
            }
            if (count == 0 || buckets.isEmpty()) {
                return OptionalDouble.empty();
            }
            double rank = q * count;
            double lowerBound = 0;
            long lowerCount = 0;
            for (Bucket bucket : buckets) {
                if (bucket.cumulativeCount() >= rank && bucket.cumulativeCount() > lowerCount) {
                    double inBucket = bucket.cumulativeCount() - lowerCount;
                    return OptionalDouble.of(lowerBound
                            + (bucket.upperBound() - lowerBound) * (rank - lowerCount) / inBucket);
                }
                lowerBound = bucket.upperBound();
                lowerCount = bucket.cumulativeCount();
            }
            return OptionalDouble.of(buckets.getLast().upperBound());
        }
    }

    /** Observations at or below {@code upperBound}, cumulative. */
    public record Bucket(double upperBound, long cumulativeCount) {
    }

    private static Map<String, String> sorted(Map<String, String> labels) {
        return Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(labels, "labels")));
    }
}
