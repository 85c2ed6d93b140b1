package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class TraceIdTest extends HttpTestSupport {
    private static final Pattern UUID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private static String complete(String extraParams) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"Hi\"}]" + extraParams + "},\"id\":1}";
    }

    @Test
    void theTraceIdOfParamsWinsOverTheHeader() {
        HttpResponse<String> response = post(complete(",\"trace_id\":\"t-params\""), TRACE_HEADER, "t-header");

        assertEquals("t-params", traceHeader(response));
        assertEquals("t-params", parse(response.body()).get("result").get("trace_id").textValue());
    }

    @Test
    void theHeaderTraceIdIsUsedWhenParamsHaveNone() {
        HttpResponse<String> response = post(complete(""), TRACE_HEADER, "t-header");

        assertEquals("t-header", traceHeader(response));
        assertEquals("t-header", parse(response.body()).get("result").get("trace_id").textValue());
    }

    @Test
    void aTraceIdIsGeneratedWhenNoneIsGiven() {
        HttpResponse<String> response = post(complete(""));

        String header = traceHeader(response);
        assertTrue(UUID.matcher(header).matches(), header);
        assertEquals(header, parse(response.body()).get("result").get("trace_id").textValue());
    }

    @Test
    void anErrorCarriesTheGeneratedTraceIdInDataAndHeader() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"nope\",\"id\":1}");

        String header = traceHeader(response);
        assertTrue(UUID.matcher(header).matches(), header);
        assertEquals(header, parse(response.body()).get("error").get("data").get("trace_id").textValue());
    }

    @Test
    void aMalformedTraceHeaderIsReplacedByAGeneratedOne() {
        HttpResponse<String> response = post(complete(""), TRACE_HEADER, "has spaces in it");

        assertTrue(UUID.matcher(traceHeader(response)).matches());
    }

    @Test
    void anInvalidParamsErrorStillUsesAWellFormedTraceIdFromParams() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\","
                + "\"params\":{\"trace_id\":\"t-bad-request\"},\"id\":1}", TRACE_HEADER, "t-header");

        assertEquals("t-bad-request", traceHeader(response));
        JsonNode data = parse(response.body()).get("error").get("data");
        assertEquals("t-bad-request", data.get("trace_id").textValue());
    }

    @Test
    void aParseErrorUsesTheHeaderTraceId() {
        HttpResponse<String> response = post("{", TRACE_HEADER, "t-parse");

        assertEquals("t-parse", traceHeader(response));
        assertEquals("t-parse", parse(response.body()).get("error").get("data").get("trace_id").textValue());
    }

    @Test
    void aBatchCarriesTheHeaderTraceIdWhileEachEntryKeepsItsOwn() {
        HttpResponse<String> response = post("[" + complete(",\"trace_id\":\"t-one\"") + "]", TRACE_HEADER, "t-batch");

        assertEquals("t-batch", traceHeader(response));
        assertEquals("t-one", parse(response.body()).get(0).get("result").get("trace_id").textValue());
    }

    @Test
    void aBatchWithoutTraceHeaderGetsAGeneratedOne() {
        HttpResponse<String> response = post("[" + complete(",\"trace_id\":\"t-one\"") + "]");

        assertTrue(UUID.matcher(traceHeader(response)).matches());
    }

    @Test
    void aNotificationResponseCarriesTheTraceIdToo() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\"}", TRACE_HEADER, "t-204");

        assertEquals(204, response.statusCode());
        assertEquals("t-204", traceHeader(response));
    }

    @Test
    void theFilterEchoesAWellFormedTraceHeaderOnOtherRoutes() {
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(uri("/other"))
                .header(TRACE_HEADER, "t-other").GET().build());

        assertEquals(200, response.statusCode());
        assertEquals("t-other", traceHeader(response));
    }

    @Test
    void theFilterGeneratesATraceIdOnOtherRoutesWhenNoneIsGiven() {
        HttpResponse<String> first = exchange(HttpRequest.newBuilder(uri("/other")).GET().build());
        HttpResponse<String> second = exchange(HttpRequest.newBuilder(uri("/other")).GET().build());

        assertTrue(UUID.matcher(traceHeader(first)).matches());
        assertNotEquals(traceHeader(first), traceHeader(second));
    }

    @Test
    void theFilterSetsATraceIdOnAnUnknownRoute() {
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(uri("/nowhere"))
                .header(TRACE_HEADER, "t-404").GET().build());

        assertEquals(404, response.statusCode());
        assertEquals("t-404", traceHeader(response));
    }
}
