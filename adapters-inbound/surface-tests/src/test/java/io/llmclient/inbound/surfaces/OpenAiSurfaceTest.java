package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code /v1/*} over real HTTP: OpenAI's request, response, chunk and error shapes. */
class OpenAiSurfaceTest extends HttpTestSupport {
    private static final String CHAT = "/v1/chat/completions";
    private static final String HELLO = "\"messages\":[{\"role\":\"user\",\"content\":\"Hello\"}]";
    private static final long STARTED = TestServer.STARTED.getEpochSecond();
    private static final long NOW = TestServer.NOW.getEpochSecond();

    private static HttpResponse<String> chat(String body) {
        return postTo(CHAT, body, TRACE_HEADER, "t-o");
    }

    private static HttpResponse<String> chatWith(String model, String extra) {
        return chat("{\"model\":\"" + model + "\"," + HELLO + extra + "}");
    }

    private static void assertJson(int status, String expected, HttpResponse<String> response) {
        assertEquals(status, response.statusCode(), response.body());
        assertEquals("application/json", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals(parse(expected), parse(response.body()));
    }

    private static String error(String message, String type, String param, String code) {
        return """
                {"error":{"message":"%s","type":"%s","param":%s,"code":"%s"}}"""
                .formatted(message, type, param == null ? "null" : "\"" + param + "\"", code);
    }

    /** The stream's body with its generated chunk id replaced by {@code ID}. */
    private static String withFixedId(String body) {
        return body.replaceAll("chatcmpl-[0-9a-f]{32}", "ID");
    }

    private static String chunk(String choices) {
        return "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":" + NOW
                + ",\"model\":\"ok-model\",\"system_fingerprint\":null,\"choices\":" + choices + "}\n\n";
    }

    private static final String ROLE_CHUNK = chunk("[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\","
            + "\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}]");
    private static final String HELLO_CHUNKS = chunk("[{\"index\":0,\"delta\":{\"content\":\"Hello \"},"
            + "\"logprobs\":null,\"finish_reason\":null}]")
            + chunk("[{\"index\":0,\"delta\":{\"content\":\"back\"},\"logprobs\":null,\"finish_reason\":null}]");
    private static final String FINISH_CHUNK = chunk("[{\"index\":0,\"delta\":{},\"logprobs\":null,"
            + "\"finish_reason\":\"stop\"}]");

    @Test
    void aCompletionIsAChatCompletionObject() {
        HttpResponse<String> response = chatWith("ok-model", "");

        assertJson(200, """
                {"id":"fake-1","object":"chat.completion","created":%d,"model":"ok-model",
                 "choices":[{"index":0,"message":{"role":"assistant","content":"Hello back","refusal":null},
                   "logprobs":null,"finish_reason":"stop"}],
                 "usage":{"prompt_tokens":9,"completion_tokens":3,"total_tokens":12},
                 "system_fingerprint":null}""".formatted(NOW), response);
        assertEquals("t-o", traceHeader(response));
    }

    @Test
    void aStreamSendsTheRoleFirstThenContentThenFinishThenDone() {
        HttpResponse<String> response = chatWith("ok-model", ",\"stream\":true");

        assertEquals(200, response.statusCode());
        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("t-o", traceHeader(response));
        assertEquals(ROLE_CHUNK + HELLO_CHUNKS + FINISH_CHUNK + "data: [DONE]\n\n", withFixedId(response.body()));
    }

    @Test
    void aStreamWithIncludeUsageSendsAUsageChunkWithNoChoicesBeforeDone() {
        HttpResponse<String> response = chatWith("ok-model",
                ",\"stream\":true,\"stream_options\":{\"include_usage\":true}");

        String usage = "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":" + NOW
                + ",\"model\":\"ok-model\",\"system_fingerprint\":null,\"choices\":[],"
                + "\"usage\":{\"prompt_tokens\":9,\"completion_tokens\":3,\"total_tokens\":12}}\n\n";
        assertEquals(ROLE_CHUNK + HELLO_CHUNKS + FINISH_CHUNK + usage + "data: [DONE]\n\n",
                withFixedId(response.body()));
    }

    @Test
    void aFailureMidStreamEndsWithAnErrorEventAndNoDone() {
        HttpResponse<String> response = chatWith("midfail-model", ",\"stream\":true");

        String body = response.body();
        assertTrue(body.endsWith("data: " + parse(error("Provider fake failed with HTTP 502: upstream broke",
                "server_error", null, "provider_error")) + "\n\n"), body);
        assertFalse(body.contains("[DONE]"), body);
    }

    @Test
    void anIdleUpstreamMidStreamEndsWithAProviderTimeoutErrorEvent() {
        HttpResponse<String> response = chatWith("stall-model", ",\"stream\":true");

        assertTrue(response.body().endsWith("data: " + parse(error("Provider fake timed out after 60000 ms",
                "server_error", null, "provider_timeout")) + "\n\n"), response.body());
    }

    @Test
    void aStreamOpensWithItsRoleChunkAsSoonAsTheProviderAcceptsItBeforeAnyToken() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(uri(CHAT))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofString("{\"model\":\"opening-model\",\"stream\":true," + HELLO + "}"))
                .build();
        HttpResponse<InputStream> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        assertEquals(200, response.statusCode());
        String firstLine;
        StringBuilder rest = new StringBuilder();
        try (var reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            firstLine = reader.readLine();
            // The provider produces its first token only after this (or after its own 10 s wait,
            // which the assertion below tells apart).
            server.fake.openingSeen.countDown();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                rest.append(line).append('\n');
            }
        }
        assertEquals(ROLE_CHUNK.replace("ok-model", "opening-model").strip(), withFixedId(firstLine));
        assertEquals(Boolean.TRUE, server.fake.openingSeenBeforeFirstToken.get());
        assertTrue(rest.toString().endsWith("data: [DONE]\n\n"), rest.toString());
    }

    @Test
    void aFailureAfterTheProviderAcceptedTheStreamIsAnErrorEventAfterTheRoleChunk() {
        HttpResponse<String> response = chatWith("openfail-model", ",\"stream\":true");

        assertEquals(200, response.statusCode());
        assertEquals(ROLE_CHUNK.replace("ok-model", "openfail-model") + "data: "
                + parse(error("Provider fake failed with HTTP 502: upstream broke", "server_error", null,
                "provider_error")) + "\n\n", withFixedId(response.body()));
    }

    @Test
    void aFailureBeforeTheFirstDeltaOfAStreamIsAnOrdinaryErrorResponse() {
        HttpResponse<String> response = chatWith("fail-model", ",\"stream\":true");

        assertJson(502, error("Provider fake failed with HTTP 502: upstream exploded", "server_error", null,
                "provider_error"), response);
    }

    @Test
    void aModelNotAllowedIs403WithParamModel() {
        HttpResponse<String> response = chatWith("forbidden-model", "");

        assertJson(403, error("Model 'forbidden-model' is not allowed; allowed models: "
                + String.join(", ", TestServer.ALLOWED), "invalid_request_error", "model", "model_not_allowed"),
                response);
    }

    @Test
    void anAllowedModelWhoseProviderIsUnavailableIs503() {
        HttpResponse<String> response = chatWith("down-model", "");

        assertEquals(503, response.statusCode());
        assertEquals("provider_unavailable", parse(response.body()).at("/error/code").textValue());
        assertEquals("model", parse(response.body()).at("/error/param").textValue());
    }

    @Test
    void aRateLimitIs429WithRetryAfter() {
        HttpResponse<String> response = chatWith("limited-model", "");

        assertJson(429, error("Provider fake is rate limiting requests; retry after 30.0 s", "rate_limit_error",
                null, "rate_limit_exceeded"), response);
        assertEquals("30", response.headers().firstValue("Retry-After").orElseThrow());
        assertEquals("30000", response.headers().firstValue("retry-after-ms").orElseThrow());
    }

    @Test
    void anUpstreamTimeoutIs504() {
        assertJson(504, error("Provider fake timed out after 60000 ms", "server_error", null, "provider_timeout"),
                chatWith("slow-model", ""));
    }

    @Test
    void aFullQueueIs429Overloaded() {
        HttpResponse<String> response = chatWith("busy-model", "");
        assertEquals(429, response.statusCode());
        assertEquals("overloaded", parse(response.body()).at("/error/code").textValue());
        assertEquals("rate_limit_error", parse(response.body()).at("/error/type").textValue());
    }

    @Test
    void aFullResponseBufferIs503Overloaded() {
        HttpResponse<String> response = chatWith("full-buffer-model", "");
        assertEquals(503, response.statusCode());
        assertEquals("overloaded", parse(response.body()).at("/error/code").textValue());
        assertEquals("server_error", parse(response.body()).at("/error/type").textValue());
    }

    @Test
    void aBugIs500WithoutTheSecret() {
        HttpResponse<String> response = chatWith("buggy-model", "");

        assertJson(500, error("Internal error; the X-Trace-Id identifies it in the service log", "server_error",
                null, "internal_error"), response);
        assertFalse(response.body().contains(ModelScriptedProvider.SECRET));
    }

    @Test
    void validationErrorsAre400NamingTheFirstBrokenField() {
        HttpResponse<String> response = chat("{\"model\":\"ok-model\",\"messages\":[{\"role\":\"robot\","
                + "\"content\":\"hi\"}],\"temperature\":3}");

        assertJson(400, error("Invalid params: messages[0].role must be one of: system, user, assistant, tool; "
                + "temperature must be between 0 and 2", "invalid_request_error", "messages[0].role", "invalid_value"),
                response);
    }

    @Test
    void maxCompletionTokensIsReadAsMaxTokensAndNamedInItsErrors() {
        HttpResponse<String> response = chatWith("ok-model", ",\"max_completion_tokens\":0");

        assertJson(400, error("Invalid params: max_completion_tokens must be between 1 and 2147483647",
                "invalid_request_error", "max_completion_tokens", "invalid_value"), response);
    }

    @Test
    void maxCompletionTokensReachesTheProviderAsMaxTokens() {
        chatWith("ok-model", ",\"max_completion_tokens\":42,\"max_tokens\":7");

        assertEquals(42, server.fake.lastRequest.get().maxTokens().orElseThrow());
    }

    @Test
    void stopAsAStringReachesTheProviderAsOneStopSequence() {
        chatWith("ok-model", ",\"stop\":\"END\"");

        assertEquals(List.of("END"), server.fake.lastRequest.get().stop());
    }

    @Test
    void stopAsAnArrayReachesTheProvider() {
        chatWith("ok-model", ",\"stop\":[\"a\",\"b\"]");

        assertEquals(List.of("a", "b"), server.fake.lastRequest.get().stop());
    }

    @Test
    void fiveStopSequencesAre400NamingStop() {
        HttpResponse<String> response = chatWith("ok-model", ",\"stop\":[\"a\",\"b\",\"c\",\"d\",\"e\"]");

        assertJson(400, error("Invalid params: stop must hold at most 4 stop sequences, got 5",
                "invalid_request_error", "stop", "invalid_value"), response);
    }

    @Test
    void maxTokensReachesTheProvider() {
        chatWith("ok-model", ",\"max_tokens\":7");

        assertEquals(7, server.fake.lastRequest.get().maxTokens().orElseThrow());
    }

    @Test
    void unknownFieldsAndMessageNamesAreIgnoredAndDeveloperIsSystem() {
        HttpResponse<String> response = chat("""
                {"model":"ok-model","n":1,"top_p":0.5,"user":"u-1","tools":[],"seed":3,
                 "messages":[{"role":"developer","content":"Be brief.","name":"boss"},
                             {"role":"user","content":"Hi","name":"ann"}]}""");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(List.of(new Message(Role.SYSTEM, "Be brief."), new Message(Role.USER, "Hi")),
                server.fake.lastRequest.get().messages());
    }

    @Test
    void contentAsAnArrayOfTextPartsIsJoined() {
        chat("""
                {"model":"ok-model","messages":[{"role":"user",
                 "content":[{"type":"text","text":"Hel"},{"type":"text","text":"lo"}]}]}""");

        assertEquals(List.of(new Message(Role.USER, "Hello")), server.fake.lastRequest.get().messages());
    }

    @Test
    void contentWithAnImagePartIs400NamingTheContent() {
        HttpResponse<String> response = chat("""
                {"model":"ok-model","messages":[{"role":"user",
                 "content":[{"type":"text","text":"What is this?"},{"type":"image_url","image_url":{"url":"x"}}]}]}""");

        assertEquals(400, response.statusCode());
        assertEquals("messages[0].content", parse(response.body()).at("/error/param").textValue());
    }

    @Test
    void aStreamFlagThatIsNotABooleanIs400() {
        HttpResponse<String> response = chatWith("ok-model", ",\"stream\":\"yes\"");

        assertJson(400, error("Invalid params: stream must be a boolean", "invalid_request_error", "stream",
                "invalid_value"), response);
    }

    @Test
    void aBodyThatIsNotJsonIs400InvalidJson() {
        HttpResponse<String> response = chat("{\"model\":");

        assertEquals(400, response.statusCode());
        assertEquals("invalid_json", parse(response.body()).at("/error/code").textValue());
    }

    @Test
    void aBodyThatIsNotAnObjectIs400InvalidJson() {
        assertJson(400, error("We could not parse the JSON body of your request: the body must be a JSON object",
                "invalid_request_error", null, "invalid_json"), chat("[1]"));
    }

    @Test
    void aBodyOverTheLimitIs413RequestTooLargeWithTheTraceId() {
        HttpResponse<String> response = chat("{\"model\":\"" + "x".repeat((int) TestServer.MAX_BYTES) + "\"}");

        assertEquals(413, response.statusCode());
        assertEquals(parse(error("Request body is larger than the limit of " + TestServer.MAX_BYTES + " bytes",
                "invalid_request_error", null, "request_too_large")), parse(response.body()));
        assertEquals("t-o", traceHeader(response));
    }

    @Test
    void modelsListsAllowedModelsInOpenAisShape() {
        HttpResponse<String> response = get("/v1/models");

        var data = parse(response.body()).get("data");
        assertEquals("list", parse(response.body()).get("object").textValue());
        assertEquals(TestServer.ALLOWED.size(), data.size());
        assertEquals(parse("{\"id\":\"ok-model\",\"object\":\"model\",\"created\":" + STARTED
                + ",\"owned_by\":\"fake\"}"), data.get(0));
        assertEquals(parse("{\"id\":\"down-model\",\"object\":\"model\",\"created\":" + STARTED
                + ",\"owned_by\":\"down\"}"), data.get(data.size() - 1));
    }

    @Test
    void oneAllowedModelCanBeRetrieved() {
        assertJson(200, "{\"id\":\"ok-model\",\"object\":\"model\",\"created\":" + STARTED
                + ",\"owned_by\":\"fake\"}", get("/v1/models/ok-model"));
    }

    @Test
    void aModelThatIsNotAllowedCannotBeRetrieved() {
        assertJson(404, error("The model 'forbidden-model' does not exist or is not allowed",
                "invalid_request_error", "model", "model_not_found"), get("/v1/models/forbidden-model"));
    }

    @Test
    void anUnknownRouteUnderV1Is404InOpenAisShape() {
        HttpResponse<String> response = get("/v1/embeddings", TRACE_HEADER, "t-404");

        assertJson(404, error("Unknown request URL: GET /v1/embeddings", "invalid_request_error", null,
                "unknown_url"), response);
        assertEquals("t-404", traceHeader(response));
    }

    @Test
    void a2aHeadersReachTheProviderAndTheTraceIdIsEchoed() {
        HttpResponse<String> response = postTo(CHAT, "{\"model\":\"ok-model\"," + HELLO + "}",
                TRACE_HEADER, "t-a2a", "X-Source-Agent", "planner", "X-Session-Id", "s-9");

        var a2a = server.fake.lastCall.get().a2a();
        assertEquals("t-a2a", a2a.traceId());
        assertEquals("planner", a2a.sourceAgent().orElseThrow());
        assertEquals("s-9", a2a.sessionId().orElseThrow());
        assertEquals("t-a2a", traceHeader(response));
    }

    @Test
    void aGeneratedTraceIdIsEchoedOnAStream() {
        HttpResponse<String> response = postTo(CHAT, "{\"model\":\"ok-model\",\"stream\":true," + HELLO + "}");

        assertEquals(server.fake.lastCall.get().a2a().traceId(), traceHeader(response));
    }
}
