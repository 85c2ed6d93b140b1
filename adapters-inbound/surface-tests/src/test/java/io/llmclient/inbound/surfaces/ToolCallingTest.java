package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Tool calling over real HTTP on both surfaces (docs/tool-calling.md), against the fake provider. */
class ToolCallingTest extends HttpTestSupport {
    private static final long NOW = TestServer.NOW.getEpochSecond();
    private static final String TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather of a city",\
            "parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}}]""";
    private static final String ASK = "\"messages\":[{\"role\":\"user\",\"content\":\"Weather in Paris?\"}]";
    private static final String ROUND_TRIP = """
            "messages":[{"role":"user","content":"Weather in Paris?"},\
            {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",\
            "function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]},\
            {"role":"tool","tool_call_id":"call_1","content":"21C"}]""";
    private static final String CALLS = """
            [{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"}}]""";

    private static HttpResponse<String> rpc(String method, String params) {
        return post("{\"jsonrpc\":\"2.0\",\"method\":\"" + method + "\",\"params\":" + params + ",\"id\":7}",
                TRACE_HEADER, "t-tools");
    }

    private static HttpResponse<String> chat(String body) {
        return postTo("/v1/chat/completions", body, TRACE_HEADER, "t-tools");
    }

    private static String rpcResult(String content, String toolCalls, String finish, int completionTokens) {
        return """
                {"jsonrpc":"2.0","id":7,"result":{"id":"fake-t","model":"tool-model","provider":"fake",\
                "provider_model":"tool-model","content":"%s",%s"finish_reason":"%s",\
                "usage":{"prompt_tokens":20,"completion_tokens":%d,"total_tokens":%d},"trace_id":"t-tools",\
                "latency_ms":0}}""".formatted(content, toolCalls == null ? "" : "\"tool_calls\":" + toolCalls + ",",
                finish, completionTokens, 20 + completionTokens);
    }

    // ---- JSON-RPC ------------------------------------------------------------------------

    @Test
    void llmCompleteReturnsTheToolCallsInOpenAisShape() {
        HttpResponse<String> response = rpc("llm.complete", "{\"model\":\"tool-model\"," + ASK + "," + TOOLS + "}");

        assertJsonBody(rpcResult("", CALLS, "tool_calls", 10), response);
    }

    @Test
    void toolsToolChoiceAndResponseFormatReachTheProviderAsDomainValues() {
        rpc("llm.complete", "{\"model\":\"tool-model\"," + ASK + "," + TOOLS + ",\"tool_choice\":{\"type\":\"function\","
                + "\"function\":{\"name\":\"get_weather\"}},\"response_format\":{\"type\":\"json_object\"}}");

        ChatRequest received = server.fake.lastRequest.get();
        assertEquals(List.of(ToolDefinition.function("get_weather", "Weather of a city", Map.of("type", "object",
                "properties", Map.of("city", Map.of("type", "string")), "required", List.of("city")))),
                received.tools());
        assertEquals(Optional.of(new ToolChoice.Named("get_weather")), received.toolChoice());
        assertEquals(Optional.of(ResponseFormat.JSON_OBJECT), received.responseFormat());
    }

    @Test
    void theToolResultsOfARoundTripReachTheProviderAndTheAnswerIsText() {
        HttpResponse<String> response = rpc("llm.complete", "{\"model\":\"tool-model\"," + ROUND_TRIP + "," + TOOLS
                + "}");

        assertJsonBody(rpcResult("It is 21C in Paris", null, "stop", 6), response);
        assertEquals(List.of(Message.assistantCalling("", List.of(new ToolCall("call_1", "get_weather",
                "{\"city\":\"Paris\"}"))), Message.toolResult("call_1", "21C")),
                server.fake.lastRequest.get().messages().subList(1, 3));
    }

    @Test
    void llmStreamSendsToolCallEventsThenTheResultWithTheCalls() {
        HttpResponse<String> response = rpc("llm.stream", "{\"model\":\"tool-model\"," + ASK + "," + TOOLS + "}");

        assertEquals("text/event-stream", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("""
                event: tool_call
                data: {"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""}}

                event: tool_call
                data: {"index":0,"function":{"arguments":"{\\"city\\":"}}

                event: tool_call
                data: {"index":0,"function":{"arguments":"\\"Paris\\"}"}}

                event: done
                data: %s

                """.formatted(parse(rpcResult("", CALLS, "tool_calls", 10))), response.body());
    }

    @Test
    void brokenToolParamsAreListedTogether() {
        HttpResponse<String> response = rpc("llm.complete", """
                {"model":"tool-model","messages":[{"role":"user","content":"q"},\
                {"role":"tool","tool_call_id":"call_9","content":"r"}],%s,\
                "tool_choice":{"type":"function","function":{"name":"get_time"}}}""".formatted(TOOLS));

        JsonAssert errors = new JsonAssert(parse(response.body()).at("/error/data/errors"));
        errors.equalsJson("""
                [{"field":"messages[1].tool_call_id","message":"must answer a tool call of the assistant message \
                before it; only tool messages may stand between them"},\
                {"field":"tool_choice","message":"names function 'get_time', which is not declared in tools"}]""");
        assertEquals(-32602, parse(response.body()).at("/error/code").intValue());
    }

    // ---- OpenAI-compatible surface -------------------------------------------------------

    @Test
    void aChatCompletionCarriesToolCallsWithNullContent() {
        HttpResponse<String> response = chat("{\"model\":\"tool-model\"," + ASK + "," + TOOLS + "}");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(parse("""
                {"id":"fake-t","object":"chat.completion","created":%d,"model":"tool-model",
                 "choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":%s,"refusal":null},
                   "logprobs":null,"finish_reason":"tool_calls"}],
                 "usage":{"prompt_tokens":20,"completion_tokens":10,"total_tokens":30},
                 "system_fingerprint":null}""".formatted(NOW, CALLS)), parse(response.body()));
    }

    @Test
    void aStreamedToolCallIsSentAsOpenAisToolCallDeltas() {
        HttpResponse<String> response = chat("{\"model\":\"tool-model\"," + ASK + "," + TOOLS + ",\"stream\":true}");

        String chunk = "data: {\"id\":\"ID\",\"object\":\"chat.completion.chunk\",\"created\":" + NOW
                + ",\"model\":\"tool-model\",\"system_fingerprint\":null,\"choices\":[{\"index\":0,\"delta\":%s,"
                + "\"logprobs\":null,\"finish_reason\":%s}]}\n\n";
        assertEquals(chunk.formatted("{\"role\":\"assistant\",\"content\":\"\",\"refusal\":null}", "null")
                + chunk.formatted("{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\","
                        + "\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}}]}", "null")
                + chunk.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}",
                        "null")
                + chunk.formatted("{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]}",
                        "null")
                + chunk.formatted("{}", "\"tool_calls\"")
                + "data: [DONE]\n\n", response.body().replaceAll("chatcmpl-[0-9a-f]{32}", "ID"));
    }

    @Test
    void aRoundTripWithTextPartsInTheToolMessageGetsTheFinalAnswer() {
        HttpResponse<String> response = chat("""
                {"model":"tool-model",%s,"messages":[{"role":"user","content":"Weather in Paris?"},\
                {"role":"assistant","content":null,"refusal":null,"tool_calls":%s},\
                {"role":"tool","tool_call_id":"call_1","content":[{"type":"text","text":"21"},{"type":"text","text":"C"}]}]}\
                """.formatted(TOOLS, CALLS));

        assertEquals(200, response.statusCode(), response.body());
        assertEquals("It is 21C in Paris", parse(response.body()).at("/choices/0/message/content").textValue());
        assertEquals("21C", server.fake.lastRequest.get().messages().getLast().content());
    }

    @Test
    void legacyFunctionsAreRefusedNamingTheField() {
        HttpResponse<String> response = chat("{\"model\":\"tool-model\"," + ASK
                + ",\"functions\":[{\"name\":\"get_weather\"}]}");

        assertEquals(400, response.statusCode());
        assertEquals("functions", parse(response.body()).at("/error/param").textValue());
    }

    @Test
    void anUndeclaredNamedToolIs400NamingToolChoice() {
        HttpResponse<String> response = chat("{\"model\":\"tool-model\"," + ASK + "," + TOOLS
                + ",\"tool_choice\":{\"type\":\"function\",\"function\":{\"name\":\"get_time\"}}}");

        assertEquals(400, response.statusCode());
        assertEquals("tool_choice", parse(response.body()).at("/error/param").textValue());
    }

    // ---- Thought signatures (extra_content.google.thought_signature) -----------------------

    private static final String TWO_TOOLS = """
            "tools":[{"type":"function","function":{"name":"get_weather"}},\
            {"type":"function","function":{"name":"get_time"}}]""";
    /** {@link ModelScriptedProvider#SIGNATURE} as JSON text. */
    private static final String SIGNATURE_JSON = "\"CuAC+/test=\\\"sig\\\"\\\\é\"";
    private static final String SIGNED_CALLS = """
            [{"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\\"city\\":\\"Paris\\"}"},\
            "extra_content":{"google":{"thought_signature":%s}}},\
            {"id":"call_2","type":"function","function":{"name":"get_time","arguments":"{\\"city\\":\\"Paris\\"}"}}]\
            """.formatted(SIGNATURE_JSON);

    @Test
    void llmCompleteWritesExtraContentOnlyOnTheCallThatHasASignature() {
        HttpResponse<String> response = rpc("llm.complete", "{\"model\":\"signed-tool-model\"," + ASK + "," + TWO_TOOLS
                + "}");

        assertEquals(rpcResult("", SIGNED_CALLS, "tool_calls", 10).replace("\"tool-model\"", "\"signed-tool-model\""),
                response.body());
    }

    @Test
    void llmStreamPutsTheSignatureOnTheFirstFragmentAndInTheDoneResult() {
        HttpResponse<String> response = rpc("llm.stream", "{\"model\":\"signed-tool-model\"," + ASK + "," + TWO_TOOLS
                + "}");

        String body = response.body();
        assertEquals("""
                event: tool_call
                data: {"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""},\
                "extra_content":{"google":{"thought_signature":%s}}}
                """.formatted(SIGNATURE_JSON), body.substring(0, body.indexOf("\n\n") + 1));
        assertEquals(1, body.split("thought_signature", -1).length - 2, "once in a fragment, once in done");
        assertEquals(parse(SIGNED_CALLS), parse(body.substring(body.indexOf("event: done\ndata: ") + 17))
                .at("/result/tool_calls"));
    }

    @Test
    void aChatCompletionWritesExtraContentOnTheSignedCall() {
        HttpResponse<String> response = chat("{\"model\":\"signed-tool-model\"," + ASK + "," + TWO_TOOLS + "}");

        assertEquals(200, response.statusCode(), response.body());
        assertEquals(parse(SIGNED_CALLS), parse(response.body()).at("/choices/0/message/tool_calls"));
        assertTrue(response.body().contains("\"function\":{\"name\":\"get_weather\",\"arguments\":"
                + "\"{\\\"city\\\":\\\"Paris\\\"}\"},\"extra_content\":{\"google\":{\"thought_signature\":"
                + SIGNATURE_JSON + "}}}"), response.body());
    }

    @Test
    void aStreamedChunkCarriesExtraContentOnTheSignedCallsFirstFragment() {
        HttpResponse<String> response = chat("{\"model\":\"signed-tool-model\"," + ASK + "," + TWO_TOOLS
                + ",\"stream\":true}");

        List<String> withSignature = response.body().lines().filter(line -> line.contains("thought_signature")).toList();
        assertEquals(1, withSignature.size(), response.body());
        assertEquals(parse("""
                [{"index":0,"id":"call_1","type":"function","function":{"name":"get_weather","arguments":""},
                  "extra_content":{"google":{"thought_signature":%s}}}]""".formatted(SIGNATURE_JSON)),
                parse(withSignature.getFirst().substring("data: ".length())).at("/choices/0/delta/tool_calls"));
    }

    @Test
    void aSignatureSentBackOnEitherSurfaceReachesTheProviderOnItsCall() {
        String history = """
                "messages":[{"role":"user","content":"Weather in Paris?"},\
                {"role":"assistant","content":null,"tool_calls":%s},\
                {"role":"tool","tool_call_id":"call_1","content":"21C"},\
                {"role":"tool","tool_call_id":"call_2","content":"noon"}]""".formatted(SIGNED_CALLS);
        List<ToolCall> expected = List.of(new ToolCall("call_1", "get_weather", "{\"city\":\"Paris\"}",
                Optional.of(ModelScriptedProvider.SIGNATURE)), new ToolCall("call_2", "get_time", "{\"city\":\"Paris\"}"));

        rpc("llm.complete", "{\"model\":\"tool-model\"," + history + "," + TWO_TOOLS + "}");
        assertEquals(expected, server.fake.lastRequest.get().messages().get(1).toolCalls());
        server.fake.lastRequest.set(null);

        HttpResponse<String> viaV1 = chat("{\"model\":\"tool-model\"," + history + "," + TWO_TOOLS + "}");
        assertEquals(200, viaV1.statusCode(), viaV1.body());
        assertEquals(expected, server.fake.lastRequest.get().messages().get(1).toolCalls());
    }

    @Test
    void aBrokenExtraContentIsRefusedNamingItsPathOnBothSurfaces() {
        String history = """
                "messages":[{"role":"user","content":"Weather in Paris?"},\
                {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function",\
                "function":{"name":"get_weather","arguments":"{}"},\
                "extra_content":{"google":{"thought_signature":"s","x":1}}}]},\
                {"role":"tool","tool_call_id":"call_1","content":"21C"}]""";

        HttpResponse<String> rpc = rpc("llm.complete", "{\"model\":\"tool-model\"," + history + "," + TOOLS + "}");
        new JsonAssert(parse(rpc.body()).at("/error/data/errors")).equalsJson("""
                [{"field":"messages[1].tool_calls[0].extra_content.google.x","message":"is not a known field"}]""");

        HttpResponse<String> v1 = chat("{\"model\":\"tool-model\"," + history + "," + TOOLS + "}");
        assertEquals(400, v1.statusCode());
        assertEquals("messages[1].tool_calls[0].extra_content.google.x", parse(v1.body()).at("/error/param").textValue());
    }

    /** Compares a JSON node with expected JSON text. */
    private record JsonAssert(com.fasterxml.jackson.databind.JsonNode actual) {
        void equalsJson(String expected) {
            assertEquals(parse(expected), actual);
        }
    }
}
