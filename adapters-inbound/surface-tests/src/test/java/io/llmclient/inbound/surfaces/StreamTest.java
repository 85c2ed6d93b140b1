package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamTest extends HttpTestSupport {
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]";

    private static HttpResponse<String> stream(String params, String... headers) {
        return post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"params\":" + params + ",\"id\":7}", headers);
    }

    private static HttpResponse<String> streamModel(String model) {
        return stream("{\"model\":\"" + model + "\"," + HELLO + "}", TRACE_HEADER, "t-s");
    }

    private static void assertEventStream(String expected, HttpResponse<String> response) {
        assertEquals(200, response.statusCode(), response.body());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(expected, response.body());
    }

    private static String error(int code, String message, String type, String data) {
        return """
                {"jsonrpc":"2.0","id":7,"error":{"code":%d,"message":"%s","data":{"type":"%s","trace_id":"t-s"%s}}}"""
                .formatted(code, message, type, data);
    }

    @Test
    void eachDeltaIsAChunkEventThenOneDoneEventCarriesTheWholeResult() {
        HttpResponse<String> response = streamModel("ok-model");

        assertEventStream("""
                event: chunk
                data: {"delta":"Hello "}

                event: chunk
                data: {"delta":"back"}

                event: done
                data: {"jsonrpc":"2.0","id":7,"result":{"id":"fake-1","model":"ok-model","provider":"fake",\
                "provider_model":"ok-model-2025-01-01","content":"Hello back","finish_reason":"stop",\
                "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12},"trace_id":"t-s","latency_ms":0}}

                """, response);
    }

    @Test
    void theStreamResponseEchoesTheTraceIdOfItsParams() {
        HttpResponse<String> response = stream("{\"model\":\"ok-model\",\"trace_id\":\"p-1\"," + HELLO + "}",
                TRACE_HEADER, "h-1");

        assertEquals("p-1", traceHeader(response));
        assertTrue(response.body().contains("\"trace_id\":\"p-1\""), response.body());
    }

    @Test
    void theStreamResponseEchoesTheTraceIdOfItsHeader() {
        assertEquals("t-s", traceHeader(streamModel("ok-model")));
    }

    @Test
    void anAcceptHeaderAskingForJsonOnlyStillGetsTheStream() {
        HttpResponse<String> response = stream("{" + HELLO + "}", "Accept", "application/json");

        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
        assertTrue(response.body().startsWith("event: chunk\ndata: {\"delta\":\"Hello \"}\n\n"), response.body());
    }

    @Test
    void invalidParamsAreAnOrdinaryJsonErrorBeforeAnythingIsStreamed() {
        HttpResponse<String> response = stream("{" + HELLO + ",\"temperature\":3}", TRACE_HEADER, "t-s");

        assertJsonBody(error(-32602, "Invalid params: temperature must be between 0 and 2", "InvalidParams",
                ",\"errors\":[{\"field\":\"temperature\",\"message\":\"must be between 0 and 2\"}]"), response);
        assertEquals("t-s", traceHeader(response));
    }

    @Test
    void aModelNotAllowedIsAnOrdinaryJsonError() {
        HttpResponse<String> response = streamModel("forbidden-model");

        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(-32001, parse(response.body()).at("/error/code").intValue());
    }

    @Test
    void anUpstreamRefusalBeforeTheFirstDeltaIsAnOrdinaryJsonError() {
        HttpResponse<String> response = streamModel("fail-model");

        assertJsonBody(error(-32002, "Provider fake failed with HTTP 502: upstream exploded", "ProviderError",
                ",\"provider\":\"fake\",\"status\":502,\"provider_message\":\"upstream exploded\""), response);
    }

    @Test
    void aFailureAfterTheProviderAcceptedTheStreamButBeforeItsFirstDeltaIsStillAnOrdinaryJsonError() {
        // JSON-RPC opens its stream at the first delta: a provider's early opening is not passed on.
        HttpResponse<String> response = streamModel("openfail-model");

        assertJsonBody(error(-32002, "Provider fake failed with HTTP 502: upstream broke", "ProviderError",
                ",\"provider\":\"fake\",\"status\":502,\"provider_message\":\"upstream broke\""), response);
    }

    @Test
    void aBugBeforeTheFirstDeltaIsAnOrdinaryInternalErrorWithoutTheSecret() {
        HttpResponse<String> response = streamModel("buggy-model");

        assertJsonBody(error(-32603, "Internal error; the trace_id identifies it in the service log",
                "InternalError", ""), response);
    }

    @Test
    void aFailureAfterTheFirstDeltaEndsTheStreamWithAnErrorEvent() {
        HttpResponse<String> response = streamModel("midfail-model");

        assertEventStream("""
                event: chunk
                data: {"delta":"Hel"}

                event: error
                data: %s

                """.formatted(error(-32002, "Provider fake failed with HTTP 502: upstream broke", "ProviderError",
                ",\"provider\":\"fake\",\"status\":502,\"provider_message\":\"upstream broke\"")), response);
    }

    @Test
    void anUpstreamSilentPastTheTimeoutEndsTheStreamWithProviderTimeoutError() {
        HttpResponse<String> response = streamModel("stall-model");

        assertEventStream("""
                event: chunk
                data: {"delta":"Hel"}

                event: error
                data: %s

                """.formatted(error(-32003, "Provider fake timed out after 60000 ms", "ProviderTimeoutError",
                ",\"provider\":\"fake\"")), response);
    }

    @Test
    void aBugAfterTheFirstDeltaEndsTheStreamWithInternalErrorAndNoSecret() {
        HttpResponse<String> response = streamModel("midbug-model");

        assertEventStream("""
                event: chunk
                data: {"delta":"Hel"}

                event: error
                data: %s

                """.formatted(error(-32603, "Internal error; the trace_id identifies it in the service log",
                "InternalError", "")), response);
        assertFalse(response.body().contains(ModelScriptedProvider.SECRET));
    }

    @Test
    void aStreamingNotificationRunsAndGetsNoContent() {
        int before = server.metrics.succeeded.get();
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"params\":{" + HELLO
                + "}}", TRACE_HEADER, "t-n");

        assertEquals(204, response.statusCode());
        assertEquals("t-n", traceHeader(response));
        assertEquals(before + 1, server.metrics.succeeded.get());
    }

    @Test
    void aStreamingNotificationWithInvalidParamsGetsNoContent() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"params\":{}}");

        assertEquals(204, response.statusCode());
    }

    @Test
    void theFirstChunkReachesTheClientBeforeTheSecondTokenIsProduced() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri("/jsonrpc"))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\","
                        + "\"params\":{\"model\":\"ttft-model\"," + HELLO + "},\"id\":7}"))
                .build();
        HttpResponse<InputStream> response = send(request);
        var lines = new ArrayList<String>();
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            readUntil(reader, "data: {\"delta\":\"first\"}", lines);
            // The provider produces its second token only after this (or, if the first chunk were
            // held back somewhere, after its own 10 s wait, which the assertion below tells apart).
            server.fake.firstSeen.countDown();
            readUntil(reader, "event: done", lines);
        }

        assertEquals(List.of("event: chunk", "data: {\"delta\":\"first\"}", "", "event: chunk",
                "data: {\"delta\":\" second\"}", "", "event: done"), lines);
        assertEquals(Boolean.TRUE, server.fake.firstSeenBeforeSecond.get());
    }

    private static HttpResponse<InputStream> send(HttpRequest request) {
        try {
            return client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void readUntil(BufferedReader reader, String last, List<String> lines) throws IOException {
        String line;
        while ((line = reader.readLine()) != null) {
            lines.add(line);
            if (line.equals(last)) {
                return;
            }
        }
        throw new AssertionError("stream ended before " + last + ": " + lines);
    }
}
