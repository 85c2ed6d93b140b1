package io.llmclient.bootstrap.telemetry;

import io.helidon.metrics.api.Bucket;
import io.helidon.metrics.api.Counter;
import io.helidon.metrics.api.DistributionSummary;
import io.helidon.metrics.api.FunctionalCounter;
import io.helidon.metrics.api.Gauge;
import io.helidon.metrics.api.HistogramSnapshot;
import io.helidon.metrics.api.Meter;
import io.helidon.metrics.api.MeterRegistry;
import io.helidon.metrics.api.Tag;
import io.helidon.metrics.api.Timer;
import io.llmclient.application.telemetry.MetricsReader;
import io.llmclient.application.telemetry.MetricsSnapshot;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Reads every {@code llm_*} meter of the server's registry into a {@link MetricsSnapshot}: the
 * very meters {@code /metrics} scrapes, so {@code llm.metrics} needs no bookkeeping of its own and
 * picks up series added later (retries, rate limits) by their name alone. Family names follow
 * the Prometheus naming Helidon's exposition applies: {@code _total} after a counter,
 * {@code _seconds} after a timer, the base unit after a distribution summary.
 */
public final class RegistryMetricsReader implements MetricsReader {
    private static final String PREFIX = "llm_";
    /** Helidon's own label, allowed by the contract, says nothing about a request. */
    private static final String SCOPE = "scope";

    private final MeterRegistry registry;

    public RegistryMetricsReader(MeterRegistry registry) {
        this.registry = Objects.requireNonNull(registry, "registry");
    }

    @Override
    public MetricsSnapshot snapshot() {
        var series = new ArrayList<MetricsSnapshot.Series>();
        for (Meter meter : registry.meters()) {
            familyName(meter).filter(name -> name.startsWith(PREFIX))
                    .flatMap(name -> read(name, labels(meter), meter))
                    .ifPresent(series::add);
        }
        return new MetricsSnapshot(series);
    }

    private static Optional<MetricsSnapshot.Series> read(String name, Map<String, String> labels, Meter meter) {
        return switch (meter) {
            case Counter counter -> Optional.of(new MetricsSnapshot.Count(name, labels, counter.count()));
            case FunctionalCounter counter -> Optional.of(new MetricsSnapshot.Count(name, labels, counter.count()));
            case Gauge<?> gauge -> Optional.of(new MetricsSnapshot.Level(name, labels, gauge.value().doubleValue()));
            case Timer timer -> Optional.of(distribution(name, labels, timer.snapshot(), true));
            case DistributionSummary summary -> Optional.of(distribution(name, labels, summary.snapshot(), false));
            default -> Optional.empty();
        };
    }

    private static MetricsSnapshot.Distribution distribution(String name, Map<String, String> labels,
                                                             HistogramSnapshot snapshot, boolean seconds) {
        var buckets = new ArrayList<MetricsSnapshot.Bucket>();
        for (Bucket bucket : snapshot.histogramCounts()) {
            double bound = seconds ? bucket.boundary(TimeUnit.SECONDS) : bucket.boundary();
            if (Double.isFinite(bound)) {
                buckets.add(new MetricsSnapshot.Bucket(bound, bucket.count()));
            }
        }
        buckets.sort((a, b) -> Double.compare(a.upperBound(), b.upperBound()));
        double sum = seconds ? snapshot.total(TimeUnit.SECONDS) : snapshot.total();
        return new MetricsSnapshot.Distribution(name, labels, snapshot.count(), sum, List.copyOf(buckets));
    }

    private static Optional<String> familyName(Meter meter) {
        String name = meter.id().name().replace('.', '_');
        return switch (meter) {
            case Counter ignored -> Optional.of(suffixed(name, "_total"));
            case FunctionalCounter ignored -> Optional.of(suffixed(name, "_total"));
            case Timer ignored -> Optional.of(suffixed(name, "_seconds"));
            case DistributionSummary summary -> Optional.of(summary.baseUnit()
                    .map(unit -> suffixed(name, "_" + unit)).orElse(name));
            case Gauge<?> ignored -> Optional.of(name);
            default -> Optional.empty();
        };
    }

    private static String suffixed(String name, String suffix) {
        return name.endsWith(suffix) ? name : name + suffix;
    }

    private static Map<String, String> labels(Meter meter) {
        var labels = new HashMap<String, String>();
        for (Tag tag : meter.id().tags()) {
            if (!tag.key().equals(SCOPE)) {
                labels.put(tag.key(), tag.value());
            }
        }
        return labels;
    }
}
