package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.conformance.ProviderFixtures;
import io.llmclient.provider.support.skeleton.Completion;
import io.llmclient.provider.support.skeleton.WireFormatException;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OpenAiResponseMapperTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentedCompletionMapsToItsContentFinishAndUsage() throws IOException {
        var completion = OpenAiResponseMapper.completion(JSON.readTree(FIXTURES.bytes("chat-response.json")));
        assertEquals(new Completion("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "gpt-5.4",
                "Hello! How can I assist you today?", List.of(), FinishReason.STOP, new Usage(19, 10, 0, 0)), completion);
    }

    @Test
    void cachedTokensAreTheCacheReadsAndStayInThePromptCount() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(FIXTURES.bytes("chat-response.json"));
        ((ObjectNode) body.at("/usage/prompt_tokens_details")).put("cached_tokens", 12);
        assertEquals(new Usage(19, 10, 12, 0), OpenAiResponseMapper.completion(body).usage());
    }

    @Test
    void absentOrNullCachedTokensAreNoCacheReads() throws IOException {
        // The recorded answer has no prompt_tokens_details at all.
        assertEquals(new Usage(14, 37, 0, 0),
                OpenAiResponseMapper.completion(JSON.readTree(FIXTURES.bytes("chat-response-recorded.json"))).usage());
        ObjectNode body = (ObjectNode) JSON.readTree(FIXTURES.bytes("chat-response.json"));
        ((ObjectNode) body.at("/usage/prompt_tokens_details")).putNull("cached_tokens");
        assertEquals(new Usage(19, 10, 0, 0), OpenAiResponseMapper.completion(body).usage());
        ((ObjectNode) body.get("usage")).putNull("prompt_tokens_details");
        assertEquals(new Usage(19, 10, 0, 0), OpenAiResponseMapper.completion(body).usage());
    }

    @Test
    void negativeCachedTokensAreMalformed() throws IOException {
        assertThrows(WireFormatException.class, () -> OpenAiResponseMapper.usage(JSON.readTree(
                "{\"prompt_tokens\":5,\"completion_tokens\":2,\"prompt_tokens_details\":{\"cached_tokens\":-1}}")));
    }

    @Test
    void theRecordedCompletionMapsToItsContentFinishAndUsage() throws IOException {
        var completion = OpenAiResponseMapper.completion(JSON.readTree(FIXTURES.bytes("chat-response-recorded.json")));
        assertEquals(new Completion("chatcmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY", "gpt-4o-2024-08-06",
                "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I "
                        + "recommend checking a reliable weather website or app like the Weather Channel or a local news "
                        + "station.", List.of(), FinishReason.STOP, new Usage(14, 37)), completion);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"stop, STOP", "length, LENGTH", "content_filter, CONTENT_FILTER", "tool_calls, TOOL_CALLS",
            "function_call, TOOL_CALLS", "something_new, ERROR"})
    void finishReasonsMapToTheContractsSet(String wire, FinishReason expected) {
        assertEquals(expected, OpenAiResponseMapper.finishReason(JSON.getNodeFactory().textNode(wire)));
    }

    @Test
    void aMissingFinishReasonIsAnError() {
        assertEquals(FinishReason.ERROR, OpenAiResponseMapper.finishReason(JSON.getNodeFactory().nullNode()));
    }

    @Test
    void aToolCallOnlyAnswerHasEmptyContent() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(FIXTURES.bytes("chat-response.json"));
        ((ObjectNode) body.at("/choices/0/message")).putNull("content");
        assertEquals("", OpenAiResponseMapper.completion(body).content());
    }

    @Test
    void aBodyWithoutChoicesIsMalformed() throws IOException {
        assertThrows(WireFormatException.class, () -> OpenAiResponseMapper.completion(JSON.readTree("{\"id\":\"x\"}")));
    }

    @Test
    void negativeUsageIsMalformed() throws IOException {
        assertThrows(WireFormatException.class,
                () -> OpenAiResponseMapper.usage(JSON.readTree("{\"prompt_tokens\":-1,\"completion_tokens\":2}")));
    }

    @Test
    void aToolCallCompletionCarriesItsCallsWithTheArgumentsAsSent() throws IOException {
        var completion = OpenAiResponseMapper.completion(JSON.readTree(
                ToolFixtures.toolCallCompletion(ToolFixtures.PARALLEL_CALLS, "tool_calls")));
        assertEquals(ToolFixtures.PARALLEL_CALLS, completion.toolCalls());
        assertEquals("", completion.content());
        assertEquals(FinishReason.TOOL_CALLS, completion.finishReason());
    }

    @Test
    void aForcedCallThatEndsWithStopIsToolCalls() throws IOException {
        // OpenAI ends a call forced by a named or required tool_choice with finish_reason "stop".
        var completion = OpenAiResponseMapper.completion(JSON.readTree(
                ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL), "stop")));
        assertEquals(FinishReason.TOOL_CALLS, completion.finishReason());
    }

    @Test
    void callsCutShortByTheTokenLimitKeepLength() throws IOException {
        var completion = OpenAiResponseMapper.completion(JSON.readTree(
                ToolFixtures.toolCallCompletion(List.of(new ToolCall("call_1", "get_weather", "{\"ci")), "length")));
        assertEquals(FinishReason.LENGTH, completion.finishReason());
        assertEquals("{\"ci", completion.toolCalls().getFirst().arguments());
    }

    @Test
    void aToolCallWithoutAnIdIsMalformed() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL),
                "tool_calls"));
        ((ObjectNode) body.at("/choices/0/message/tool_calls/0")).remove("id");
        assertThrows(WireFormatException.class, () -> OpenAiResponseMapper.completion(body));
    }

    @Test
    void toolCallArgumentsThatAreNotAStringAreMalformed() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(ToolFixtures.toolCallCompletion(List.of(ToolFixtures.WEATHER_CALL),
                "tool_calls"));
        ((ObjectNode) body.at("/choices/0/message/tool_calls/0/function")).putObject("arguments").put("city", "SF");
        assertThrows(WireFormatException.class, () -> OpenAiResponseMapper.completion(body));
    }

    @Test
    void aNullToolCallsMemberIsNoCalls() throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(FIXTURES.bytes("chat-response-recorded.json"));
        ((ObjectNode) body.at("/choices/0/message")).putNull("tool_calls");
        assertEquals(List.of(), OpenAiResponseMapper.completion(body).toolCalls());
    }
}
