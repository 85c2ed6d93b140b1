package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MalformedInputTest extends HttpTestSupport {

    private static String invalidRequest(String id, String reason, String traceId) {
        return """
                {"jsonrpc":"2.0","id":%s,"error":{"code":-32600,"message":"Invalid Request: %s",
                 "data":{"type":"InvalidRequest","trace_id":"%s"}}}""".formatted(id, reason, traceId);
    }

    private static String parseError(String reason, String traceId) {
        return """
                {"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"Parse error: %s",
                 "data":{"type":"ParseError","trace_id":"%s"}}}""".formatted(reason, traceId);
    }

    @Test
    void aBodyThatIsNotJsonIsAParseErrorWithIdNull() {
        HttpResponse<String> response = post("this is not json", TRACE_HEADER, "t-nj");

        assertJsonBody(parseError("invalid JSON at line 1, column 1", "t-nj"), response);
    }

    @Test
    void anEmptyBodyIsAParseError() {
        HttpResponse<String> response = post("", TRACE_HEADER, "t-e");

        assertJsonBody(parseError("the body is empty", "t-e"), response);
    }

    @Test
    void tenThousandOpenBracketsAreAParseErrorNotAServerError() {
        HttpResponse<String> response = post("[".repeat(10_000), TRACE_HEADER, "t-deep");

        assertJsonBody(parseError("the JSON exceeds a limit (nesting deeper than 64 levels, a number longer"
                + " than 1000 digits, or a string longer than the body limit)", "t-deep"), response);
    }

    @Test
    void wellFormedJsonNestedDeeperThanTheLimitIsAParseError() {
        String deep = "[".repeat(100) + "]".repeat(100);
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{\"x\":"
                + deep + "},\"id\":1}", TRACE_HEADER, "t-deep2");

        assertEquals(-32700, parse(response.body()).get("error").get("code").intValue());
    }

    @Test
    void aDecimalWhoseExponentNoBigDecimalHoldsIsAParseErrorNotAnInternalError() {
        // Found by JsonRpcFuzzTest: Jackson threw a bare NumberFormatException, answered as -32603.
        HttpResponse<String> response = post("[[1,1,6666666666666666666666666666e666666666666661]1]", TRACE_HEADER,
                "t-exp");

        assertJsonBody(parseError("a number is out of range", "t-exp"), response);
    }

    @Test
    void theSameNumberOnTheOpenAiSurfaceIsA400InvalidJson() {
        HttpResponse<String> response = postTo("/v1/chat/completions",
                "{\"model\":\"ok-model\",\"temperature\":1e999999999999999999,\"messages\":[]}");

        assertEquals(400, response.statusCode(), response.body());
        assertEquals("invalid_json", parse(response.body()).get("error").get("code").asText());
    }

    @Test
    void duplicateMemberNamesAreAParseError() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":1,\"id\":2}",
                TRACE_HEADER, "t-dup");

        assertJsonBody(parseError("invalid JSON at line 1, column 51", "t-dup"), response);
    }

    @Test
    void contentAfterTheJsonValueIsAParseError() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":1} {}",
                TRACE_HEADER, "t-trail");

        assertJsonBody(parseError("invalid JSON at line 1, column 48", "t-trail"), response);
    }

    @Test
    void aNumberLongerThanTheLimitIsAParseError() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":" + "9".repeat(1001)
                + "}", TRACE_HEADER, "t-num");

        assertEquals(-32700, parse(response.body()).get("error").get("code").intValue());
    }

    @Test
    void aSingleValueThatIsNotAnObjectIsAnInvalidRequest() {
        HttpResponse<String> response = post("42", TRACE_HEADER, "t-42");

        assertJsonBody(invalidRequest("null", "expected a request object, got a number", "t-42"), response);
    }

    @Test
    void aMissingJsonrpcMemberIsAnInvalidRequestThatEchoesTheId() {
        HttpResponse<String> response = post("{\"method\":\"llm.models\",\"id\":7}", TRACE_HEADER, "t-v");

        assertJsonBody(invalidRequest("7", "jsonrpc is required and must be \\\"2.0\\\"", "t-v"), response);
    }

    @Test
    void jsonrpcVersion1IsAnInvalidRequestThatEchoesTheId() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"1.0\",\"method\":\"llm.models\",\"id\":\"v1\"}",
                TRACE_HEADER, "t-v1");

        assertJsonBody(invalidRequest("\"v1\"", "jsonrpc must be exactly \\\"2.0\\\"", "t-v1"), response);
    }

    @Test
    void jsonrpcAsANumberIsAnInvalidRequest() {
        HttpResponse<String> response = post("{\"jsonrpc\":2.0,\"method\":\"llm.models\",\"id\":8}",
                TRACE_HEADER, "t-v2");

        assertJsonBody(invalidRequest("8", "jsonrpc must be exactly \\\"2.0\\\"", "t-v2"), response);
    }

    @Test
    void aMethodThatIsNotAStringIsAnInvalidRequest() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":1,\"id\":9}", TRACE_HEADER, "t-m");

        assertJsonBody(invalidRequest("9", "method must be a string", "t-m"), response);
    }

    @Test
    void aMissingMethodIsAnInvalidRequestEvenWithoutAnId() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\"}", TRACE_HEADER, "t-nm");

        assertJsonBody(invalidRequest("null", "method is required", "t-nm"), response);
    }

    @Test
    void stringParamsAreAnInvalidRequest() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":\"hi\",\"id\":1}",
                TRACE_HEADER, "t-ps");

        assertJsonBody(invalidRequest("1", "params must be an object or an array, not a string", "t-ps"), response);
    }

    @Test
    void numberParamsAreAnInvalidRequest() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":3,\"id\":2}",
                TRACE_HEADER, "t-pn");

        assertJsonBody(invalidRequest("2", "params must be an object or an array, not a number", "t-pn"), response);
    }

    @Test
    void anUnknownEnvelopeMemberIsAnInvalidRequest() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"param\":{},\"id\":3}",
                TRACE_HEADER, "t-unk");

        assertJsonBody(invalidRequest("3",
                "unknown member 'param' (a request holds only jsonrpc, method, params, id)", "t-unk"), response);
    }

    @Test
    void everyEnvelopeProblemIsNamedAtOnce() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"1.0\",\"method\":null,\"params\":true,\"x\":1,\"y\":2}",
                TRACE_HEADER, "t-all");

        assertJsonBody(invalidRequest("null", "jsonrpc must be exactly \\\"2.0\\\"; method must be a string; "
                + "params must be an object or an array, not a boolean; "
                + "unknown members 'x', 'y' (a request holds only jsonrpc, method, params, id)", "t-all"), response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":1}", "[1]", "true"})
    void anIdOfAWrongTypeIsAnInvalidRequestWithIdNull(String id) {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":" + id + "}",
                TRACE_HEADER, "t-id");

        String kind = switch (id.charAt(0)) {
            case '{' -> "an object";
            case '[' -> "an array";
            default -> "a boolean";
        };
        assertJsonBody(invalidRequest("null", "id must be a string, a number or null, not " + kind, "t-id"), response);
    }

    @ParameterizedTest
    @ValueSource(strings = {"\"abc\"", "\"\"", "7", "-3", "0", "1.50", "2.5e-3", "1e400",
            "99999999999999999999999999999999", "-12345678901234567890.000001", "null"})
    void everyValidIdIsEchoedAsGiven(String id) {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":" + id + "}");

        assertEquals(parse(id), parse(response.body()).get("id"));
    }

    @Test
    void aFractionalIdKeepsItsTrailingZero() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":1.50}");

        assertEquals("1.50", parse(response.body()).get("id").decimalValue().toPlainString());
    }

    @Test
    void anInvalidRequestUsesTheTraceIdOfItsParams() {
        HttpResponse<String> response = post("{\"jsonrpc\":\"1.0\",\"method\":\"llm.complete\","
                + "\"params\":{\"trace_id\":\"t-from-params\"},\"id\":4}", TRACE_HEADER, "t-header");

        assertJsonBody(invalidRequest("4", "jsonrpc must be exactly \\\"2.0\\\"", "t-from-params"), response);
        assertEquals("t-from-params", traceHeader(response));
    }
}
