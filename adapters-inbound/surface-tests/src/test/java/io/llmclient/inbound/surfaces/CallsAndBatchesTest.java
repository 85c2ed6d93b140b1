package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class CallsAndBatchesTest extends HttpTestSupport {
    private static final String HELLO = """
            "messages":[{"role":"user","content":"Hello"}]""";

    private static String complete(String id, String extraParams) {
        return """
                {"jsonrpc":"2.0","method":"llm.complete","params":{%s%s},"id":%s}"""
                .formatted(HELLO, extraParams, id);
    }

    private static String result(String id, String traceId) {
        return """
                {"jsonrpc":"2.0","id":%s,"result":{"id":"fake-1","model":"ok-model","provider":"fake",
                 "provider_model":"ok-model-2025-01-01","content":"Hello back","finish_reason":"stop",
                 "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12},
                 "trace_id":"%s","latency_ms":0}}""".formatted(id, traceId);
    }

    @Test
    void completeAnswersWithTheContractResultShape() {
        HttpResponse<String> response = post(complete("1", ",\"model\":\"ok-model\",\"trace_id\":\"t-123\""));

        assertJsonBody(result("1", "t-123"), response);
    }

    @Test
    void completeCarriesStopSequencesToTheProvider() {
        HttpResponse<String> response = post(complete("4", ",\"model\":\"ok-model\",\"stop\":[\"END\",\"5\"]"));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(java.util.List.of("END", "5"), server.fake.lastRequest.get().stop());
    }

    @Test
    void completeWithoutModelUsesTheDefaultModel() {
        HttpResponse<String> response = post(complete("2", ""), TRACE_HEADER, "t-default");

        assertJsonBody(result("2", "t-default"), response);
    }

    @Test
    void modelsListsAllowedModelsWithTheirAvailability() {
        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","method":"llm.models","id":3}""");

        String models = TestServer.ALLOWED.stream()
                .map(id -> id.equals("down-model")
                        ? "{\"id\":\"down-model\",\"provider\":\"down\",\"tier\":\"balanced\",\"available\":false}"
                        : "{\"id\":\"" + id + "\",\"provider\":\"fake\",\"tier\":\"fast\",\"available\":true}")
                .collect(Collectors.joining(","));
        assertJsonBody("""
                {"jsonrpc":"2.0","id":3,"result":{"default_model":"ok-model","models":[%s]}}""".formatted(models),
                response);
    }

    @Test
    void modelsRefusesParamsItDoesNotTake() {
        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","method":"llm.models","params":{"verbose":true},"id":4}""", TRACE_HEADER, "t-m");

        assertJsonBody("""
                {"jsonrpc":"2.0","id":4,"error":{"code":-32602,
                 "message":"Invalid params: verbose is not a known field; llm.models takes no params",
                 "data":{"type":"InvalidParams","trace_id":"t-m",
                  "errors":[{"field":"verbose","message":"is not a known field; llm.models takes no params"}]}}}""",
                response);
    }

    @Test
    void aSingleNotificationGets204WithNoBody() {
        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","method":"llm.complete","params":{%s}}""".formatted(HELLO));

        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void aNotificationThatFailsStillGetsNoResponse() {
        HttpResponse<String> response = post("""
                {"jsonrpc":"2.0","method":"no.such.method"}""");

        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void aNullIdIsARequestNotANotification() {
        HttpResponse<String> response = post(complete("null", ",\"trace_id\":\"t-null\""));

        assertJsonBody(result("null", "t-null"), response);
    }

    @Test
    void aBatchIsAnsweredEntryByEntryInRequestOrder() {
        HttpResponse<String> response = post("[" + complete("\"a\"", ",\"trace_id\":\"t-a\"") + ","
                + "{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":\"b\"}" + ","
                + complete("\"c\"", ",\"trace_id\":\"t-c\"") + "]", TRACE_HEADER, "t-batch");

        assertJsonBody("[" + result("\"a\"", "t-a") + ","
                + """
                {"jsonrpc":"2.0","id":"b","error":{"code":-32601,"message":"Method not found: nope",
                 "data":{"type":"MethodNotFound","trace_id":"t-batch"}}}"""
                + "," + result("\"c\"", "t-c") + "]", response);
        assertEquals("t-batch", traceHeader(response));
    }

    @Test
    void notificationsInABatchGetNoEntry() {
        HttpResponse<String> response = post("["
                + "{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{" + HELLO + "}},"
                + complete("5", ",\"trace_id\":\"t-5\"") + ","
                + "{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\"}]");

        assertJsonBody("[" + result("5", "t-5") + "]", response);
    }

    @Test
    void aBatchOfOnlyNotificationsGets204WithNoBody() {
        HttpResponse<String> response = post("[{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\"},"
                + "{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{" + HELLO + "}}]");

        assertEquals(204, response.statusCode());
        assertEquals("", response.body());
    }

    @Test
    void aBatchOf100RequestsIsServed() {
        String batch = IntStream.range(0, 100).mapToObj(i -> complete(String.valueOf(i), ",\"trace_id\":\"t-" + i + "\""))
                .collect(Collectors.joining(",", "[", "]"));

        HttpResponse<String> response = post(batch);

        String expected = IntStream.range(0, 100).mapToObj(i -> result(String.valueOf(i), "t-" + i))
                .collect(Collectors.joining(",", "[", "]"));
        assertJsonBody(expected, response);
    }

    @Test
    void aBatchOf101RequestsIsRefusedWithOneError() {
        String batch = IntStream.range(0, 101).mapToObj(i -> "{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":" + i + "}")
                .collect(Collectors.joining(",", "[", "]"));

        HttpResponse<String> response = post(batch, TRACE_HEADER, "t-101");

        assertJsonBody("""
                {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                 "message":"Invalid Request: a batch holds at most 100 requests, this one 101",
                 "data":{"type":"InvalidRequest","trace_id":"t-101"}}}""", response);
    }

    @Test
    void anEmptyBatchIsOneInvalidRequestError() {
        HttpResponse<String> response = post("[]", TRACE_HEADER, "t-empty");

        assertJsonBody("""
                {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                 "message":"Invalid Request: an empty batch holds no request",
                 "data":{"type":"InvalidRequest","trace_id":"t-empty"}}}""", response);
    }

    @Test
    void eachNonObjectInABatchIsItsOwnInvalidRequest() {
        HttpResponse<String> response = post("[1,\"x\"]", TRACE_HEADER, "t-junk");

        assertJsonBody("""
                [{"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                  "message":"Invalid Request: expected a request object, got a number",
                  "data":{"type":"InvalidRequest","trace_id":"t-junk"}}},
                 {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                  "message":"Invalid Request: expected a request object, got a string",
                  "data":{"type":"InvalidRequest","trace_id":"t-junk"}}}]""", response);
    }

    @Test
    void llmStreamInsideABatchIsAnInvalidRequest() {
        HttpResponse<String> response = post("[{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"params\":{" + HELLO
                + "},\"id\":9}]", TRACE_HEADER, "t-s");

        assertJsonBody("""
                [{"jsonrpc":"2.0","id":9,"error":{"code":-32600,
                  "message":"Invalid Request: llm.stream cannot be called inside a batch; send it as a single request",
                  "data":{"type":"InvalidRequest","trace_id":"t-s"}}}]""", response);
    }

    @Test
    void anUnknownMethodIsMethodNotFound() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.dance\",\"id\":12}",
                TRACE_HEADER, "t-u");

        assertJsonBody("""
                {"jsonrpc":"2.0","id":12,"error":{"code":-32601,"message":"Method not found: llm.dance",
                 "data":{"type":"MethodNotFound","trace_id":"t-u"}}}""", response);
    }

    @Test
    void a2aHeadersReachTheProviderAndParamsWinOverThem() {
        post(complete("13", ",\"source_agent\":\"planner\""), "X-Source-Agent", "header-agent",
                "X-Session-Id", "s-9", TRACE_HEADER, "t-a2a");

        var a2a = server.fake.lastCall.get().a2a();
        assertEquals("planner", a2a.sourceAgent().orElseThrow());
        assertEquals("s-9", a2a.sessionId().orElseThrow());
        assertEquals("t-a2a", a2a.traceId());
    }

    @Test
    void aMalformedA2aHeaderIsIgnored() {
        post(complete("14", ""), "X-Source-Agent", "two words");

        assertTrue(server.fake.lastCall.get().a2a().sourceAgent().isEmpty());
    }

    @Test
    void responsesToCallsAreJsonWithStatus200() {
        HttpResponse<String> response = post(complete("15", ""));

        JsonNode body = parse(response.body());
        assertEquals(200, response.statusCode());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("Hello back", body.get("result").get("content").textValue());
    }
}
