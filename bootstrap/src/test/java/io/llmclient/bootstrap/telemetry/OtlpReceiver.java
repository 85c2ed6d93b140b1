package io.llmclient.bootstrap.telemetry;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.resource.v1.Resource;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A collector on loopback: accepts {@code POST /v1/traces} (OTLP/HTTP protobuf), decodes each export
 * with the published OTLP definitions and keeps its spans, as a real collector would see them.
 */
final class OtlpReceiver implements AutoCloseable {
    /** One received span, decoded, with the resource it came with. */
    record Received(Span span, Resource resource) {
        String traceId() {
            return HexFormat.of().formatHex(span.getTraceId().toByteArray());
        }

        String spanId() {
            return HexFormat.of().formatHex(span.getSpanId().toByteArray());
        }

        String parentSpanId() {
            return HexFormat.of().formatHex(span.getParentSpanId().toByteArray());
        }

        String name() {
            return span.getName();
        }

        Span.SpanKind kind() {
            return span.getKind();
        }

        Map<String, AnyValue> attributes() {
            return span.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
        }

        Optional<String> string(String key) {
            return Optional.ofNullable(attributes().get(key)).map(AnyValue::getStringValue);
        }

        /** Every text of the span: name, attribute keys and values (arrays flattened), resource, events. */
        String everything() {
            return span.toString() + resource.toString();
        }
    }

    private final HttpServer server;
    private final List<Received> spans = new CopyOnWriteArrayList<>();
    private final List<String> contentTypes = new CopyOnWriteArrayList<>();

    OtlpReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/v1/traces", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
                ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(body.readAllBytes());
                export.getResourceSpansList().forEach(resourceSpans -> resourceSpans.getScopeSpansList()
                        .forEach(scope -> scope.getSpansList()
                                .forEach(span -> spans.add(new Received(span, resourceSpans.getResource())))));
                byte[] answer = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, answer.length == 0 ? -1 : answer.length);
                exchange.getResponseBody().write(answer);
            } finally {
                exchange.close();
            }
        });
        server.start();
    }

    /** The endpoint for {@code OTEL_EXPORTER_OTLP_ENDPOINT}. */
    String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    List<String> contentTypes() {
        return List.copyOf(contentTypes);
    }

    List<Received> spans() {
        return List.copyOf(spans);
    }

    /** Waits (at most 20 s) until some span received matches, and returns all received then. */
    List<Received> awaitSpans(Predicate<List<Received>> enough) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline) {
            List<Received> now = spans();
            if (enough.test(now)) {
                return now;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError("the collector did not receive the expected spans; it has " + spans().stream()
                .map(received -> received.kind() + " " + received.name()).toList());
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
