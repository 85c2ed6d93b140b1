package io.llmclient.bootstrap.observability;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.bootstrap.RunningServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hawkular.agent.prometheus.text.TextPrometheusMetricDataParser;
import org.hawkular.agent.prometheus.types.Counter;
import org.hawkular.agent.prometheus.types.Gauge;
import org.hawkular.agent.prometheus.types.Histogram;
import org.hawkular.agent.prometheus.types.Metric;
import org.hawkular.agent.prometheus.types.MetricFamily;
import org.hawkular.agent.prometheus.types.MetricType;

/**
 * One {@code GET /metrics}, parsed by a Prometheus text-format parser (Hawkular's port of the
 * official Python client parser). That parser skips a line it cannot read instead of failing,
 * so every sample line of the body must be accounted for by the families it returned: a line it
 * dropped fails the scrape.
 */
public final class Scrape {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final String body;
    private final Map<String, MetricFamily> families;

    private Scrape(String body, Map<String, MetricFamily> families) {
        this.body = body;
        this.families = families;
    }

    /** Scrapes the server's {@code /metrics} with no {@code Accept} header: text format 0.0.4. */
    public static Scrape of(RunningServer server) {
        try {
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, response.statusCode());
            return parse(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Parses a text-format body. */
    public static Scrape parse(String body) {
        var families = new HashMap<String, MetricFamily>();
        var parser = new TextPrometheusMetricDataParser(new ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
        try {
            for (MetricFamily family = parser.parse(); family != null; family = parser.parse()) {
                if (families.put(family.getName(), family) != null) {
                    throw new AssertionError("family " + family.getName() + " appears twice");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        long sampleLines = body.lines().filter(line -> !line.isBlank() && !line.startsWith("#")).count();
        long parsed = families.values().stream().mapToLong(Scrape::sampleLines).sum();
        assertEquals(sampleLines, parsed, "the parser did not account for every sample line of:\n" + body);
        return new Scrape(body, families);
    }

    private static long sampleLines(MetricFamily family) {
        return family.getMetrics().stream()
                .mapToLong(metric -> metric instanceof Histogram histogram ? histogram.getBuckets().size() + 2 : 1)
                .sum();
    }

    public String body() {
        return body;
    }

    public Optional<MetricFamily> family(String name) {
        return Optional.ofNullable(families.get(name));
    }

    public List<MetricFamily> families() {
        return List.copyOf(families.values());
    }

    /** A counter's value; 0 when the series is absent (the contract lets a series that never moved be absent). */
    public double counter(String name, Map<String, String> labels) {
        return series(name, MetricType.COUNTER, labels).map(metric -> ((Counter) metric).getValue()).orElse(0.0);
    }

    /** A gauge's value, if the series exists. */
    public Optional<Double> gauge(String name, Map<String, String> labels) {
        return series(name, MetricType.GAUGE, labels).map(metric -> ((Gauge) metric).getValue());
    }

    /** A histogram's series, if it exists. */
    public Optional<Histogram> histogram(String name, Map<String, String> labels) {
        return series(name, MetricType.HISTOGRAM, labels).map(Histogram.class::cast);
    }

    /** How many observations a histogram series holds; 0 when absent. */
    public long observations(String name, Map<String, String> labels) {
        return histogram(name, labels).map(Histogram::getSampleCount).orElse(0L);
    }

    /** Every series of a family, by its labels without Helidon's {@code scope}. */
    public List<Map<String, String>> labelSets(String name) {
        var sets = new ArrayList<Map<String, String>>();
        family(name).ifPresent(family -> family.getMetrics().forEach(metric -> sets.add(withoutScope(metric))));
        return sets;
    }

    private Optional<Metric> series(String name, MetricType type, Map<String, String> labels) {
        Optional<MetricFamily> family = family(name);
        family.ifPresent(found -> assertEquals(type, found.getType(), name + " type"));
        return family.flatMap(found -> found.getMetrics().stream()
                .filter(metric -> withoutScope(metric).equals(labels)).findFirst());
    }

    static Map<String, String> withoutScope(Metric metric) {
        var labels = new HashMap<>(metric.getLabels());
        labels.remove("scope");
        return labels;
    }
}
