package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.telemetry.MetricsSnapshot;
import io.llmclient.application.telemetry.MetricsSnapshot.Count;
import io.llmclient.application.telemetry.MetricsSnapshot.Distribution;
import io.llmclient.application.telemetry.MetricsSnapshot.Level;
import io.llmclient.application.telemetry.MetricsSnapshot.Series;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The {@code llm.metrics} result (contract section 4): the snapshot grouped per provider and
 * model. The rule is generic, so a series added later appears without an edit here:
 * <ul>
 *   <li>a series with {@code provider} and {@code model} labels goes under
 *       {@code providers.<provider>.models.<model>}, one with {@code provider} only under
 *       {@code providers.<provider>}, any other at the top level;</li>
 *   <li>its key is the family name without {@code llm_} and {@code _total}, except the
 *       contract's own words for a few ({@code latency_seconds} for
 *       {@code llm_requests_duration_seconds});</li>
 *   <li>with no further label the value is a number (a histogram: {@code count}, {@code sum},
 *       {@code p50}, {@code p95}, {@code p99}); with one further label, an object keyed by that
 *       label's value; with more, an array of objects holding the labels and the value.</li>
 * </ul>
 * Requests by status and tokens by type list both of their values, zero included.
 */
public final class MetricsResult {
    private static final String PROVIDER = "provider";
    private static final String MODEL = "model";
    private static final Map<String, String> KEYS = Map.of(
            "llm_requests_total", "requests",
            "llm_tokens_total", "tokens",
            "llm_errors_total", "errors",
            "llm_active_requests", "active_requests",
            "llm_requests_duration_seconds", "latency_seconds",
            "llm_time_to_first_token_seconds", "time_to_first_token_seconds",
            "llm_governance_violations_total", "governance_violations");
    private static final Map<String, List<String>> ALWAYS_SHOWN = new LinkedHashMap<>();

    static {
        ALWAYS_SHOWN.put("requests", List.of("success", "error"));
        ALWAYS_SHOWN.put("tokens", List.of("prompt", "completion"));
    }

    private static final Comparator<Series> ORDER = Comparator
            .comparing((Series series) -> series.labels().getOrDefault(PROVIDER, ""))
            .thenComparing(series -> series.labels().getOrDefault(MODEL, ""))
            .thenComparing(Series::name)
            .thenComparing(series -> series.labels().toString());

    private MetricsResult() {
    }

    /** The result object for a snapshot. */
    public static ObjectNode of(MetricsSnapshot snapshot, JsonNodeFactory nodes) {
        ObjectNode result = nodes.objectNode();
        ObjectNode providers = result.putObject("providers");
        snapshot.series().stream().sorted(ORDER).forEach(series -> place(series, result, providers, nodes));
        return result;
    }

    private static void place(Series series, ObjectNode result, ObjectNode providers, JsonNodeFactory nodes) {
        var extra = new LinkedHashMap<>(series.labels());
        String provider = extra.remove(PROVIDER);
        ObjectNode target = result;
        if (provider != null) {
            target = child(providers, provider);
            String model = extra.remove(MODEL);
            if (model != null) {
                target = model(child(target, "models"), model);
            }
        }
        String key = key(series.name());
        JsonNode value = value(series, nodes);
        switch (extra.size()) {
            case 0 -> target.set(key, value);
            case 1 -> child(target, key).set(extra.values().iterator().next(), value);
            default -> {
                ObjectNode entry = array(target, key).addObject();
                extra.forEach(entry::put);
                if (value instanceof ObjectNode fields) {
                    entry.setAll(fields);
                } else {
                    entry.set(series instanceof Count ? "count" : "value", value);
                }
            }
        }
    }

    private static ObjectNode model(ObjectNode models, String name) {
        if (models.get(name) instanceof ObjectNode existing) {
            return existing;
        }
        ObjectNode model = models.putObject(name);
        ALWAYS_SHOWN.forEach((key, values) -> values.forEach(value -> child(model, key).put(value, 0)));
        return model;
    }

    private static JsonNode value(Series series, JsonNodeFactory nodes) {
        return switch (series) {
            case Count count -> nodes.numberNode(count.value());
            // A gauge such as active requests holds whole numbers; shown as such, not as 2.0.
            case Level level -> level.value() == Math.rint(level.value()) && Math.abs(level.value()) < 1e15
                    ? nodes.numberNode((long) level.value()) : nodes.numberNode(level.value());
            case Distribution distribution -> {
                ObjectNode summary = nodes.objectNode();
                summary.put("count", distribution.count());
                summary.put("sum", distribution.sum());
                quantile(summary, "p50", distribution.quantile(0.5));
                quantile(summary, "p95", distribution.quantile(0.95));
                quantile(summary, "p99", distribution.quantile(0.99));
                yield summary;
            }
        };
    }

    private static void quantile(ObjectNode summary, String name, OptionalDouble value) {
        if (value.isPresent()) {
            summary.put(name, value.getAsDouble());
        } else {
            summary.putNull(name);
        }
    }

    private static String key(String family) {
        String known = KEYS.get(family);
        if (known != null) {
            return known;
        }
        String key = family.startsWith("llm_") ? family.substring("llm_".length()) : family;
        return key.endsWith("_total") ? key.substring(0, key.length() - "_total".length()) : key;
    }

    private static ObjectNode child(ObjectNode parent, String name) {
        return parent.get(name) instanceof ObjectNode existing ? existing : parent.putObject(name);
    }

    private static ArrayNode array(ObjectNode parent, String name) {
        return parent.get(name) instanceof ArrayNode existing ? existing : parent.putArray(name);
    }
}
