package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@code /v1/messages} and {@code /v1/messages/count_tokens} over real HTTP: Anthropic's shapes. */
class AnthropicSurfaceTest extends HttpTestSupport {
    private static final String MESSAGES = "/v1/messages";
    private static final String HELLO = "\"max_tokens\":64,\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]";

    private static HttpResponse<String> messages(String body, String... headers) {
        String[] all = new String[headers.length + 4];
        all[0] = TRACE_HEADER;
        all[1] = "t-a";
        all[2] = "anthropic-version";
        all[3] = "2099-01-01";
        System.arraycopy(headers, 0, all, 4, headers.length);
        return postTo(MESSAGES, body, all);
    }

    private static HttpResponse<String> model(String model, String extra) {
        return messages("{\"model\":\"" + model + "\"," + HELLO + extra + "}");
    }

    /** The body with its generated message id replaced by {@code msg_ID}. */
    private static String withFixedId(String body) {
        return body.replaceAll("msg_[0-9a-f]{32}", "msg_ID");
    }

    private static void assertError(int status, String type, String message, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(parse("""
                {"type":"error","error":{"type":"%s","message":"%s"},"request_id":"t-a"}"""
                .formatted(type, message)), parse(response.body()));
        assertEquals("t-a", response.headers().firstValue("request-id").orElseThrow());
    }

    private static String event(String name, String json) {
        return "event: " + name + "\ndata: " + json + "\n\n";
    }

    @Test
    void aMessageIsAnthropicsMessageObjectWithTheCatalogModel() {
        HttpResponse<String> response = model("ok-model", "");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(parse("""
                {"model":"ok-model","id":"msg_ID","type":"message","role":"assistant",
                 "content":[{"type":"text","text":"Hello back"}],"stop_reason":"end_turn","stop_sequence":null,
                 "usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
                   "output_tokens":3}}"""), parse(withFixedId(response.body())));
        assertEquals("t-a", traceHeader(response));
        assertEquals("t-a", response.headers().firstValue("request-id").orElseThrow());
    }

    @Test
    void aStreamIsAnthropicsEventSequence() {
        HttpResponse<String> response = model("ok-model", ",\"stream\":true");

        assertEquals(200, response.statusCode(), response.body());
        assertTrue(response.headers().firstValue("Content-Type").orElseThrow().startsWith("text/event-stream"));
        assertEquals("t-a", response.headers().firstValue("request-id").orElseThrow());
        assertEquals(event("message_start", """
                {"type":"message_start","message":{"model":"ok-model","id":"msg_ID","type":"message",\
                "role":"assistant","content":[],"stop_reason":null,"stop_sequence":null,\
                "usage":{"input_tokens":6,"output_tokens":0}}}""")
                + event("content_block_start", """
                {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}""")
                + event("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hello "}}""")
                + event("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"back"}}""")
                + event("content_block_stop", """
                {"type":"content_block_stop","index":0}""")
                + event("message_delta", """
                {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null},\
                "usage":{"input_tokens":9,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,\
                "output_tokens":3}}""")
                + event("message_stop", """
                {"type":"message_stop"}"""), withFixedId(response.body()));
    }

    @Test
    void aStreamedToolCallIsAToolUseBlockWithInputJsonDeltas() {
        HttpResponse<String> response = messages("""
                {"model":"tool-model","max_tokens":64,"stream":true,
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"Weather in Paris?"}]}""");

        String body = withFixedId(response.body());
        assertTrue(body.contains(event("content_block_start", """
                {"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"call_1",\
                "name":"get_weather","input":{}}}""")
                + event("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":""}}""")
                + event("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\\"city\\":"}}""")
                + event("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta",\
                "partial_json":"\\"Paris\\"}"}}""")
                + event("content_block_stop", """
                {"type":"content_block_stop","index":0}""")
                + event("message_delta", """
                {"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},\
                "usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,\
                "output_tokens":10}}""")), body);
    }

    @Test
    void aToolRoundTripCallsThenAnswers() {
        HttpResponse<String> call = messages("""
                {"model":"tool-model","max_tokens":64,
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"Weather in Paris?"}]}""");
        assertEquals(parse("""
                {"model":"tool-model","id":"msg_ID","type":"message","role":"assistant",
                 "content":[{"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}}],
                 "stop_reason":"tool_use","stop_sequence":null,
                 "usage":{"input_tokens":20,"cache_creation_input_tokens":0,"cache_read_input_tokens":0,
                   "output_tokens":10}}"""), parse(withFixedId(call.body())));

        HttpResponse<String> answer = messages("""
                {"model":"tool-model","max_tokens":64,
                 "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],
                 "messages":[{"role":"user","content":"Weather in Paris?"},
                   {"role":"assistant","content":[{"type":"tool_use","id":"call_1","name":"get_weather",
                     "input":{"city":"Paris"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"call_1","content":"21C"}]}]}""");
        assertEquals("It is 21C in Paris", parse(answer.body()).at("/content/0/text").textValue(), answer.body());
        assertEquals(Message.toolResult("call_1", "21C"), server.fake.lastRequest.get().messages().getLast());
    }

    @Test
    void stopSequencesReachTheProviderAndAnthropicBetaIsForwardedForAnthropicOnly() {
        messages("{\"model\":\"ok-model\"," + HELLO + ",\"stop_sequences\":[\"END\"]}",
                "anthropic-beta", "tools-2024-04-04");

        assertEquals(List.of("END"), server.fake.lastRequest.get().stop());
        assertEquals(ForwardedHeaders.to(ProviderId.ANTHROPIC, Map.of("anthropic-beta", "tools-2024-04-04")),
                server.fake.lastRequest.get().forwarded());
    }

    @Test
    void systemAndTextBlocksReachTheProvider() {
        messages("""
                {"model":"ok-model","max_tokens":8,"system":[{"type":"text","text":"Be brief."}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}]}""");

        assertEquals(List.of(new Message(Role.SYSTEM, "Be brief."), new Message(Role.USER, "Hi")),
                server.fake.lastRequest.get().messages());
    }

    @Test
    void everyBrokenFieldIsOne400() {
        assertError(400, "invalid_request_error", "max_tokens: must be an integer between 1 and 2147483647; "
                        + "messages[0].content[0].type: image blocks are not supported by this gateway; "
                        + "only text, tool_use and tool_result",
                messages("""
                        {"model":"ok-model","max_tokens":0,"messages":[{"role":"user","content":[
                          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}}]}]}"""));
    }

    @Test
    void aJsonArrayBodyIs400() {
        assertError(400, "invalid_request_error", "The request body must be a JSON object", messages("[]"));
    }

    @Test
    void fiveStopSequencesAre400NamingStopSequences() {
        assertError(400, "invalid_request_error", "stop_sequences: must hold at most 4 stop sequences, got 5",
                model("ok-model", ",\"stop_sequences\":[\"a\",\"b\",\"c\",\"d\",\"e\"]"));
    }

    @Test
    void aModelOutsideTheAllowListIs403PermissionError() {
        HttpResponse<String> response = model("forbidden-model", "");
        assertEquals(403, response.statusCode());
        assertEquals("permission_error", parse(response.body()).at("/error/type").textValue());
    }

    @Test
    void aFullQueueIs529OverloadedError() {
        HttpResponse<String> response = model("busy-model", "");
        assertEquals(529, response.statusCode());
        assertEquals("overloaded_error", parse(response.body()).at("/error/type").textValue());
        assertEquals("t-a", response.headers().firstValue("request-id").orElseThrow());
    }

    @Test
    void anUpstreamRateLimitIs429WithRetryAfter() {
        HttpResponse<String> response = model("limited-model", "");
        assertEquals(429, response.statusCode());
        assertEquals("rate_limit_error", parse(response.body()).at("/error/type").textValue());
        assertEquals(Optional.of("30"), response.headers().firstValue("retry-after"));
    }

    @Test
    void upstreamFailuresAreApiErrorsWithTheirStatus() {
        assertEquals(502, model("fail-model", "").statusCode());
        assertEquals(504, model("slow-model", "").statusCode());
        HttpResponse<String> down = model("down-model", "");
        assertEquals(503, down.statusCode());
        assertEquals("api_error", parse(down.body()).at("/error/type").textValue());
    }

    @Test
    void aBugIs500ApiErrorWithoutTheKey() {
        HttpResponse<String> response = model("buggy-model", "");
        assertEquals(500, response.statusCode());
        assertEquals("api_error", parse(response.body()).at("/error/type").textValue());
        assertTrue(!response.body().contains("canary"), response.body());
    }

    @Test
    void aFailureMidStreamIsAnErrorEventThenTheEnd() {
        HttpResponse<String> response = model("midfail-model", ",\"stream\":true");

        String body = withFixedId(response.body());
        assertTrue(body.endsWith(event("content_block_delta", """
                {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"Hel"}}""")
                + event("error", """
                {"type":"error","error":{"type":"api_error","message":"Provider fake failed with HTTP 502: upstream broke"}}""")),
                body);
    }

    @Test
    void countTokensIsTheGatewaysEstimateForAProviderThatCannotCount() {
        HttpResponse<String> response = postTo("/v1/messages/count_tokens", """
                {"model":"ok-model","system":"Be brief.","messages":[{"role":"user","content":"Hello there"}]}""");

        assertEquals(200, response.statusCode(), response.body());
        // (9 + 11 characters) / 4 = 5, plus 4 per message: 13.
        assertEquals(parse("{\"input_tokens\":13}"), parse(response.body()));
        assertTrue(response.headers().firstValue("request-id").isPresent());
    }

    @Test
    void countTokensRefusesAModelOutsideTheAllowList() {
        HttpResponse<String> response = postTo("/v1/messages/count_tokens", """
                {"model":"forbidden-model","messages":[{"role":"user","content":"Hi"}]}""", TRACE_HEADER, "t-a");
        assertError(403, "permission_error", parse(response.body()).at("/error/message").textValue(), response);
    }

    @Test
    void aBodyOverTheLimitIs413InAnthropicsShape() {
        HttpResponse<String> response = messages("{\"model\":\"ok-model\",\"pad\":\""
                + "x".repeat((int) TestServer.MAX_BYTES) + "\"," + HELLO + "}");
        assertError(413, "request_too_large", "Request exceeds the maximum allowed number of bytes ("
                + TestServer.MAX_BYTES + ")", response);
    }
}
