package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
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

class AnthropicResponseMapperTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.ANTHROPIC);

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void theRecordedResponseIsNormalised() {
        var completion = AnthropicResponseMapper.completion(FIXTURES.json("messages-response.json"));
        assertEquals(new Completion("msg_01LzoWDaDa7jiMvVbBiguxJy", "claude-haiku-4-5-20251001",
                "The weather in SF is currently **20°C** (68°F) and **Sunny**!", FinishReason.STOP,
                new Usage(705, 25, 0, 0)), completion);
    }

    @Test
    void theRecordedResponsesCacheCountsAreItsCacheReadsAndWrites() {
        var completion = AnthropicResponseMapper.completion(withCache(FIXTURES.json("messages-response.json")));
        assertEquals(new Usage(705 + 1200 + 30000, 25, 30000, 1200), completion.usage());
    }

    /** The recorded answer as if 1200 input tokens were written to the prompt cache and 30000 read from it. */
    static JsonNode withCache(JsonNode message) {
        ObjectNode usage = (ObjectNode) message.get("usage");
        assertEquals(0, usage.get("cache_creation_input_tokens").asInt());
        usage.put("cache_creation_input_tokens", 1200).put("cache_read_input_tokens", 30000);
        return message;
    }

    @Test
    void textBlocksAreJoinedAndToolUseBlocksAreTheCallsInOrder() throws IOException {
        var completion = AnthropicResponseMapper.completion(json("""
                {"id":"m1","model":"x","content":[{"type":"text","text":"Let me check. "},
                 {"type":"tool_use","id":"t1","name":"get_weather","input":{"city":"SF","days":2}},
                 {"type":"thinking","thinking":"hmm"},
                 {"type":"tool_use","id":"t2","name":"get_time","input":{}},
                 {"type":"text","text":"Done."}],
                 "stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}"""));
        assertEquals("Let me check. Done.", completion.content());
        assertEquals(List.of(new ToolCall("t1", "get_weather", "{\"city\":\"SF\",\"days\":2}"),
                new ToolCall("t2", "get_time", "{}")), completion.toolCalls());
        assertEquals(FinishReason.TOOL_CALLS, completion.finishReason());
    }

    @Test
    void aToolInputKeepsItsMemberOrderAndExactNumbers() throws IOException {
        var completion = AnthropicResponseMapper.completion(WireJson.mapper().readTree("""
                {"id":"m1","model":"x","content":[{"type":"tool_use","id":"t1","name":"buy",
                 "input":{"qty":3,"price":19.90,"note":"caf\\u00e9 \\"x\\""}}],
                 "stop_reason":"tool_use","usage":{"input_tokens":3,"output_tokens":4}}"""));
        assertEquals("{\"qty\":3,\"price\":19.90,\"note\":\"café \\\"x\\\"\"}",
                completion.toolCalls().getFirst().arguments());
    }

    @Test
    void aToolUseBlockWithoutAnInputObjectIsAWireFormatError() throws IOException {
        JsonNode answer = json("""
                {"id":"m1","content":[{"type":"tool_use","id":"t1","name":"f","input":"x"}],
                 "usage":{"input_tokens":1,"output_tokens":1}}""");
        assertThrows(WireFormatException.class, () -> AnthropicResponseMapper.completion(answer));
    }

    @Test
    void cachedInputCountsAsPromptTokens() throws IOException {
        var completion = AnthropicResponseMapper.completion(json("""
                {"id":"m1","model":"x","content":[],"stop_reason":"end_turn",
                 "usage":{"input_tokens":10,"cache_creation_input_tokens":200,"cache_read_input_tokens":3000,
                          "output_tokens":7}}"""));
        assertEquals(new Usage(3210, 7, 3000, 200), completion.usage());
        assertEquals(3217, completion.usage().totalTokens());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "end_turn, STOP",
        "stop_sequence, STOP",
        "max_tokens, LENGTH",
        "model_context_window_exceeded, LENGTH",
        "tool_use, TOOL_CALLS",
        "refusal, CONTENT_FILTER",
        "pause_turn, STOP",
        "a_reason_from_the_future, STOP"
    })
    void stopReasonsAreMappedToTheContractsSet(String stopReason, FinishReason expected) {
        assertEquals(expected, AnthropicResponseMapper.finishReason(stopReason));
    }

    @Test
    void anAnswerWithoutAContentArrayIsAWireFormatError() throws IOException {
        JsonNode answer = json("{\"id\":\"m1\",\"usage\":{\"input_tokens\":1,\"output_tokens\":1}}");
        assertThrows(WireFormatException.class, () -> AnthropicResponseMapper.completion(answer));
    }

    @Test
    void aNegativeTokenCountIsAWireFormatError() throws IOException {
        JsonNode answer = json("{\"content\":[],\"usage\":{\"input_tokens\":-1,\"output_tokens\":1}}");
        assertThrows(WireFormatException.class, () -> AnthropicResponseMapper.completion(answer));
    }
}
