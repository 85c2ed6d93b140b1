package io.llmclient.bootstrap.config;

import io.helidon.config.Config;
import io.llmclient.telemetry.otel.TraceSettings;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the standard {@code OTEL_*} variables (contract section 13) with section 2's layering:
 * tracing is on only when {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} or
 * {@code OTEL_EXPORTER_OTLP_ENDPOINT} is set (and neither {@code OTEL_SDK_DISABLED=true} nor
 * {@code OTEL_TRACES_EXPORTER=none} says otherwise). Only OTLP over HTTP with protobuf is spoken: any
 * other protocol stops start-up rather than being silently replaced.
 */
public final class TracingReader {
    /** The collector's headers (often a token): secrets, scrubbed from every start-up line. */
    public static final List<String> HEADER_KEYS = List.of("OTEL_EXPORTER_OTLP_HEADERS",
            "OTEL_EXPORTER_OTLP_TRACES_HEADERS");
    private static final String TRACES_PATH = "/v1/traces";
    // An HTTP token (RFC 9110): what a header name may be.
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");

    private TracingReader() {
    }

    /** The settings from the layered configuration, or empty when tracing is off. */
    public static Optional<TraceSettings> read(Config config) {
        return read(new Values(config));
    }

    /** The settings, or empty when tracing is off. */
    static Optional<TraceSettings> read(Values values) {
        if (values.bool("OTEL_SDK_DISABLED").orElse(false)) {
            return Optional.empty();
        }
        String exporter = values.string("OTEL_TRACES_EXPORTER", "otlp").strip().toLowerCase(Locale.ROOT);
        if (exporter.equals("none")) {
            return Optional.empty();
        }
        if (!exporter.equals("otlp")) {
            throw InvalidConfigException.of("OTEL_TRACES_EXPORTER", "must be otlp or none", exporter);
        }
        Optional<URI> endpoint = endpoint(values);
        if (endpoint.isEmpty()) {
            return Optional.empty();
        }
        for (String key : List.of("OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")) {
            String protocol = values.string(key, "http/protobuf").strip();
            if (!protocol.equals("http/protobuf")) {
                throw InvalidConfigException.of(key, "must be http/protobuf (the only protocol spoken)", protocol);
            }
        }
        Map<String, String> headers = new LinkedHashMap<>(headers(values, HEADER_KEYS.get(0)));
        headers.putAll(headers(values, HEADER_KEYS.get(1)));
        String sampler = values.string("OTEL_TRACES_SAMPLER", "parentbased_always_on").strip().toLowerCase(Locale.ROOT);
        if (!TraceSettings.SAMPLERS.contains(sampler)) {
            throw InvalidConfigException.of("OTEL_TRACES_SAMPLER", "must be one of " + String.join(", ",
                    TraceSettings.SAMPLERS.stream().sorted().toList()), sampler);
        }
        double ratio = values.atLeast("OTEL_TRACES_SAMPLER_ARG", 0.0, 1.0);
        if (ratio > 1.0) {
            throw InvalidConfigException.of("OTEL_TRACES_SAMPLER_ARG", "must be a ratio from 0 to 1",
                    Double.toString(ratio));
        }
        Duration timeout = millis(values, "OTEL_EXPORTER_OTLP_TRACES_TIMEOUT",
                millis(values, "OTEL_EXPORTER_OTLP_TIMEOUT", Duration.ofSeconds(10)));
        var batch = new TraceSettings.Batch(
                millis(values, "OTEL_BSP_SCHEDULE_DELAY", Duration.ofSeconds(5)),
                millis(values, "OTEL_BSP_EXPORT_TIMEOUT", Duration.ofSeconds(30)),
                values.atLeast("OTEL_BSP_MAX_QUEUE_SIZE", 1, 2048),
                values.atLeast("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", 1, 512));
        String serviceName = values.string("OTEL_SERVICE_NAME", "llm-client-service").strip();
        return Optional.of(new TraceSettings(endpoint.get(), headers, timeout,
                serviceName.isEmpty() ? "llm-client-service" : serviceName,
                pairs(values, "OTEL_RESOURCE_ATTRIBUTES"), sampler, ratio, batch,
                values.bool("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT").orElse(false)));
    }

    // The signal's own endpoint is used as given; the general one gets /v1/traces appended (OTLP spec).
    private static Optional<URI> endpoint(Values values) {
        Optional<URI> traces = values.url("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT");
        return traces.isPresent() ? traces
                : values.url("OTEL_EXPORTER_OTLP_ENDPOINT").map(url -> URI.create(url + TRACES_PATH));
    }

    private static Duration millis(Values values, String key, Duration fallback) {
        return values.raw(key).isEmpty() ? fallback : Duration.ofMillis(values.positiveLong(key, fallback.toMillis()));
    }

    private static Map<String, String> headers(Values values, String key) {
        Map<String, String> headers;
        try {
            headers = pairs(values, key);
        } catch (InvalidConfigException malformed) {
            // The value may hold a token: the line names the key and the rule only.
            throw malformed.withoutValue();
        }
        if (!headers.keySet().stream().allMatch(name -> HEADER_NAME.matcher(name).matches())) {
            throw InvalidConfigException.of(key, "must be a list of name=value pairs whose names are HTTP header names");
        }
        return headers;
    }

    // W3C Baggage-like "key=value,key2=value2", values percent-decoded (OTel environment spec).
    private static Map<String, String> pairs(Values values, String key) {
        Map<String, String> pairs = new LinkedHashMap<>();
        for (String entry : values.list(key).orElse(List.of())) {
            int equals = entry.indexOf('=');
            if (equals <= 0) {
                throw InvalidConfigException.of(key, "must be a list of key=value pairs", entry);
            }
            try {
                pairs.put(entry.substring(0, equals).strip(),
                        URLDecoder.decode(entry.substring(equals + 1).strip(), StandardCharsets.UTF_8));
            } catch (IllegalArgumentException badEscape) {
                throw InvalidConfigException.of(key, "must be a list of key=value pairs, values percent-encoded",
                        entry);
            }
        }
        return pairs;
    }
}
