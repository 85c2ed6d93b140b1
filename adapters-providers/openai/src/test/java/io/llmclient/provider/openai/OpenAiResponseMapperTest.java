package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import java.io.IOException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class OpenAiResponseMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theDocumentedCompletionMapsToItsContentFinishAndUsage() throws IOException {
        var completion = OpenAiResponseMapper.completion(JSON.readTree(Fixtures.bytes("chat-response.json")));
        assertEquals(new OpenAiResponseMapper.Completion("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT", "gpt-5.4",
                "Hello! How can I assist you today?", FinishReason.STOP, new Usage(19, 10)), completion);
    }

    @Test
    void theRecordedCompletionMapsToItsContentFinishAndUsage() throws IOException {
        var completion = OpenAiResponseMapper.completion(JSON.readTree(Fixtures.bytes("chat-response-recorded.json")));
        assertEquals(new OpenAiResponseMapper.Completion("chatcmpl-ABfvaueLEMLNYbT8YzpJxsmiQ6HSY", "gpt-4o-2024-08-06",
                "I'm unable to provide real-time weather updates. To get the current weather in San Francisco, I "
                        + "recommend checking a reliable weather website or app like the Weather Channel or a local news "
                        + "station.", FinishReason.STOP, new Usage(14, 37)), completion);
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
        ObjectNode body = (ObjectNode) JSON.readTree(Fixtures.bytes("chat-response.json"));
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
}
