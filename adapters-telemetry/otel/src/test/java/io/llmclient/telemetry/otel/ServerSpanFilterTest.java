package io.llmclient.telemetry.otel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.llmclient.application.telemetry.AttemptSpan;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The SERVER span filter on a real Helidon server (one per class, never two at once): parented on a
 * well-formed inbound {@code traceparent}, a new root for a malformed one (W3C Trace Context), the
 * {@code tracestate} handed on, the generated trace id the span's, probes untraced.
 */
class ServerSpanFilterTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final String PARENT = "00f067aa0ba902b7";
    private static final ModelEntry MINI = new ModelEntry("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST,
            "gpt-4.1-mini");
    private static final InMemorySpanExporter EXPORTED = InMemorySpanExporter.create();
    private static final SdkTracerProvider PROVIDER = SdkTracerProvider.builder()
            .addSpanProcessor(SimpleSpanProcessor.create(EXPORTED)).build();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static WebServer server;

    @BeforeAll
    static void start() {
        var propagator = W3CTraceContextPropagator.getInstance();
        var tracing = new OtelTracing(PROVIDER.get("test"), propagator, false);
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing.addFilter(new ServerSpanFilter(PROVIDER.get("test"), propagator))
                        // What a surface does: read the generated trace id, make an attempt, answer.
                        .post("/jsonrpc", (req, res) -> {
                            String traceId = A2aHeaders.newTraceId();
                            AttemptSpan attempt = tracing.attemptStarted(MINI, ChatRequest.of("gpt-4.1-mini",
                                    List.of(new Message(Role.USER, "Hi")), A2aContext.ofTrace(traceId)));
                            attempt.failed("ProviderError");
                            attempt.headers().forEach((name, value) -> res.header(HeaderNames.create("x-up-" + name),
                                    value));
                            res.send(traceId);
                        })
                        .get("/health", (req, res) -> res.send("UP"))
                        .post("/v1/chat/completions", (req, res) -> res.status(Status.BAD_GATEWAY_502).send()))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
        PROVIDER.close();
    }

    @BeforeEach
    void clear() {
        EXPORTED.reset();
    }

    private static HttpResponse<String> post(String path, Map<String, String> headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .POST(HttpRequest.BodyPublishers.ofString("{}"));
        headers.forEach(request::header);
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    // The SERVER span ends just after the answer is sent: the client may read it first.
    private static SpanData serverSpan() throws InterruptedException {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (System.nanoTime() < deadline) {
            var found = EXPORTED.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.SERVER)
                    .findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            Thread.sleep(5);
        }
        throw new AssertionError("no SERVER span: " + EXPORTED.getFinishedSpanItems());
    }

    private static SpanData clientSpan() {
        return EXPORTED.getFinishedSpanItems().stream().filter(span -> span.getKind() == SpanKind.CLIENT)
                .findFirst().orElseThrow();
    }

    @Test
    void aRequestWithoutTraceparentIsTheRootOfANewTraceWhoseIdIsTheGeneratedTraceId() throws Exception {
        HttpResponse<String> response = post("/jsonrpc", Map.of());
        SpanData server = serverSpan();
        assertEquals("POST /jsonrpc", server.getName());
        assertFalse(server.getParentSpanContext().isValid());
        assertTrue(response.body().matches("[0-9a-f]{32}"), response.body());
        assertEquals(server.getTraceId(), response.body());
    }

    @Test
    void aWellFormedTraceparentMakesTheServerSpanItsChildAndTheAttemptAGrandchild() throws Exception {
        HttpResponse<String> response = post("/jsonrpc", Map.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01"));
        SpanData server = serverSpan();
        assertEquals(TRACE, server.getTraceId());
        assertEquals(PARENT, server.getParentSpanId());
        assertTrue(server.getParentSpanContext().isRemote());
        assertEquals(server.getSpanId(), clientSpan().getParentSpanId());
        assertEquals(TRACE, response.body(), "the generated trace id is the caller's W3C trace id");
        assertEquals("00-" + TRACE + "-" + clientSpan().getSpanId() + "-" + clientSpan().getSpanContext().getTraceFlags()
                        .asHex(),
                response.headers().firstValue("x-up-traceparent").orElseThrow());
    }

    @Test
    void theTracestateComesInAndGoesOnUpstream() throws Exception {
        HttpResponse<String> response = post("/jsonrpc", Map.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01",
                "tracestate", "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7"));
        assertEquals("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7",
                response.headers().firstValue("x-up-tracestate").orElseThrow());
        assertEquals("t61rcWkgMzE", serverSpan().getSpanContext().getTraceState().get("congo"));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "00-" + TRACE + "-" + PARENT,                                        // a field missing
            "00-" + TRACE + "0-" + PARENT + "-01",                               // trace id too long
            "00-4bf92f3577b34da6a3ce929d0e0e473-" + PARENT + "-01",              // trace id too short
            "ff-" + TRACE + "-" + PARENT + "-01",                                // version ff is invalid
            "00-00000000000000000000000000000000-" + PARENT + "-01",             // all-zero trace id
            "00-" + TRACE + "-0000000000000000-01",                              // all-zero parent id
            "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + PARENT + "-01",             // upper-case hex
            "not a traceparent"})
    void aMalformedTraceparentIsIgnoredAndTheRequestStartsANewTrace(String traceparent) throws Exception {
        HttpResponse<String> response = post("/jsonrpc", Map.of("traceparent", traceparent));
        assertEquals(200, response.statusCode());
        SpanData server = serverSpan();
        assertFalse(server.getParentSpanContext().isValid(), () -> "parented on " + server.getParentSpanContext());
        assertNotEquals(TRACE, server.getTraceId());
        assertEquals(server.getTraceId(), response.body());
    }

    @Test
    void aHugeTracestateIsCutToTheSpecificationsLimitAndTheRequestServed() throws Exception {
        String huge = IntStream.range(0, 200).mapToObj(i -> "v" + i + "=" + "x".repeat(30))
                .collect(Collectors.joining(","));
        HttpResponse<String> response = post("/jsonrpc", Map.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01",
                "tracestate", huge));
        assertEquals(200, response.statusCode());
        assertEquals(TRACE, serverSpan().getTraceId(), "the traceparent is still honoured");
        String onward = response.headers().firstValue("x-up-tracestate").orElse("");
        assertTrue(onward.split(",").length <= 32, () -> "at most 32 list members go on: " + onward);
    }

    @Test
    void aMalformedTracestateIsDroppedAndTheTraceparentKept() throws Exception {
        HttpResponse<String> response = post("/jsonrpc", Map.of("traceparent", "00-" + TRACE + "-" + PARENT + "-01",
                "tracestate", "=broken,,UPPER=case"));
        assertEquals(200, response.statusCode());
        assertEquals(TRACE, serverSpan().getTraceId());
        assertTrue(serverSpan().getSpanContext().getTraceState().isEmpty());
    }

    @Test
    void probesAreNotTraced() throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/health")).GET().build();
        assertEquals(200, CLIENT.send(request, HttpResponse.BodyHandlers.ofString()).statusCode());
        // A traced request after it: its span is the only one there is.
        post("/jsonrpc", Map.of());
        serverSpan();
        assertEquals(List.of("chat gpt-4.1-mini", "POST /jsonrpc"),
                EXPORTED.getFinishedSpanItems().stream().map(SpanData::getName).toList());
    }

    @Test
    void aServerErrorAnswerSetsErrorTypeAndTheStatusCode() throws Exception {
        post("/v1/chat/completions", Map.of());
        SpanData server = serverSpan();
        assertEquals("POST /v1/chat/completions", server.getName());
        assertEquals("502", server.getAttributes().get(GenAi.ERROR_TYPE));
        assertEquals(502L, server.getAttributes().get(io.opentelemetry.api.common.AttributeKey.longKey(
                "http.response.status_code")));
    }

    @Test
    void anUnknownPathIsNamedByItsMethodOnly() throws Exception {
        post("/scanner/" + System.nanoTime(), Map.of());
        assertEquals("POST", serverSpan().getName());
    }
}
