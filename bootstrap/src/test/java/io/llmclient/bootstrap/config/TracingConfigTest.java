package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.telemetry.otel.TraceSettings;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The standard OTEL_* variables, read with section 2's layering (contract sections 13 and 14). */
class TracingConfigTest {
    @TempDir
    Path dir;

    private Optional<TraceSettings> read(Map<String, String> env) {
        return TracingReader.read(ConfigLayers.load(env, dir));
    }

    private TraceSettings on(Map<String, String> env) {
        return read(env).orElseThrow(() -> new AssertionError("tracing is off"));
    }

    @Test
    void withoutAnEndpointTracingIsOff() {
        assertTrue(read(Map.of("OTEL_SERVICE_NAME", "x", "OTEL_TRACES_SAMPLER", "always_on")).isEmpty());
    }

    @Test
    void theGeneralEndpointGetsTheTracesPathAndTheDefaultsOfTheSpecification() {
        TraceSettings settings = on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318/"));
        assertEquals(URI.create("http://collector:4318/v1/traces"), settings.endpoint());
        assertEquals("llm-client-service", settings.serviceName());
        assertEquals("parentbased_always_on", settings.sampler());
        assertEquals(Duration.ofSeconds(10), settings.exportTimeout());
        assertEquals(TraceSettings.Batch.defaults(), settings.batch());
        assertFalse(settings.captureContent());
    }

    @Test
    void theTracesEndpointIsUsedAsGivenAndWinsOverTheGeneralOne() {
        TraceSettings settings = on(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318",
                "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "https://traces.example/otlp/spans"));
        assertEquals(URI.create("https://traces.example/otlp/spans"), settings.endpoint());
    }

    @Test
    void everyStandardVariableIsRead() {
        TraceSettings settings = on(Map.ofEntries(
                Map.entry("OTEL_EXPORTER_OTLP_ENDPOINT", "http://collector:4318"),
                Map.entry("OTEL_EXPORTER_OTLP_HEADERS", "authorization=Bearer%20abc,x-tenant=t1"),
                Map.entry("OTEL_EXPORTER_OTLP_TIMEOUT", "2500"),
                Map.entry("OTEL_SERVICE_NAME", "gateway-eu"),
                Map.entry("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=prod,service.namespace=llm"),
                Map.entry("OTEL_TRACES_SAMPLER", "parentbased_traceidratio"),
                Map.entry("OTEL_TRACES_SAMPLER_ARG", "0.1"),
                Map.entry("OTEL_BSP_SCHEDULE_DELAY", "200"),
                Map.entry("OTEL_BSP_EXPORT_TIMEOUT", "3000"),
                Map.entry("OTEL_BSP_MAX_QUEUE_SIZE", "4096"),
                Map.entry("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "256"),
                Map.entry("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "true")));
        assertEquals(Map.of("authorization", "Bearer abc", "x-tenant", "t1"), settings.headers());
        assertEquals(Duration.ofMillis(2500), settings.exportTimeout());
        assertEquals("gateway-eu", settings.serviceName());
        assertEquals(Map.of("deployment.environment.name", "prod", "service.namespace", "llm"), settings.resource());
        assertEquals("parentbased_traceidratio", settings.sampler());
        assertEquals(0.1, settings.samplerRatio());
        assertEquals(new TraceSettings.Batch(Duration.ofMillis(200), Duration.ofMillis(3000), 4096, 256),
                settings.batch());
        assertTrue(settings.captureContent());
    }

    @Test
    void theEnvironmentWinsOverDotEnvWhichIsReadToo() throws IOException {
        Files.write(dir.resolve(".env"), List.of("OTEL_EXPORTER_OTLP_ENDPOINT=http://from-dotenv:4318",
                "OTEL_SERVICE_NAME=from-dotenv"));
        TraceSettings settings = on(Map.of("OTEL_SERVICE_NAME", "from-env"));
        assertEquals(URI.create("http://from-dotenv:4318/v1/traces"), settings.endpoint());
        assertEquals("from-env", settings.serviceName());
    }

    @Test
    void theSdkSwitchAndTheNoneExporterTurnTracingOff() {
        assertTrue(read(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_SDK_DISABLED", "true")).isEmpty());
        assertTrue(read(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_TRACES_EXPORTER", "none"))
                .isEmpty());
    }

    @Test
    void brokenValuesStopStartUpNamingTheKey() {
        Map<String, String> endpoint = Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318");
        for (var broken : List.of(
                Map.entry("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc"),
                Map.entry("OTEL_TRACES_EXPORTER", "zipkin"),
                Map.entry("OTEL_TRACES_SAMPLER", "sometimes"),
                Map.entry("OTEL_TRACES_SAMPLER_ARG", "1.5"),
                Map.entry("OTEL_BSP_MAX_QUEUE_SIZE", "0"),
                Map.entry("OTEL_EXPORTER_OTLP_TIMEOUT", "soon"),
                Map.entry("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT", "maybe"),
                Map.entry("OTEL_RESOURCE_ATTRIBUTES", "no-equals-sign"))) {
            var env = new java.util.HashMap<>(endpoint);
            env.put(broken.getKey(), broken.getValue());
            var error = assertThrows(InvalidConfigException.class, () -> read(env), broken::toString);
            assertEquals(broken.getKey(), error.key());
        }
        var error = assertThrows(InvalidConfigException.class,
                () -> read(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "collector:4318")));
        assertEquals("OTEL_EXPORTER_OTLP_ENDPOINT", error.key());
    }

    @Test
    void aMalformedHeadersValueIsRefusedWithoutShowingIt() {
        var error = assertThrows(InvalidConfigException.class, () -> read(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS", "token-without-name")));
        assertEquals("OTEL_EXPORTER_OTLP_HEADERS", error.key());
        assertFalse(error.getMessage().contains("token-without-name"), error.getMessage());
    }

    @Test
    void aHeaderNameThatIsNoHttpTokenIsRefused() {
        var error = assertThrows(InvalidConfigException.class, () -> read(Map.of(
                "OTEL_EXPORTER_OTLP_ENDPOINT", "http://c:4318", "OTEL_EXPORTER_OTLP_HEADERS", "bad name=secret-value")));
        assertEquals("OTEL_EXPORTER_OTLP_HEADERS", error.key());
        assertFalse(error.getMessage().contains("secret-value"), error.getMessage());
    }

    @Test
    void headerValuesAreSecretsScrubbedFromStartUpLines() {
        var secrets = ServiceConfigReader.secrets(ConfigLayers.load(Map.of("OTEL_EXPORTER_OTLP_HEADERS",
                "authorization=Bearer-collector-token"), dir), ShippedProviders.describedWith());
        assertTrue(secrets.contains("Bearer-collector-token"), secrets::toString);
    }
}
