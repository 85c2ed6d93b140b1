package io.llmclient.inbound.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessagesRequestTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static MessagesRequest read(String body) {
        return MessagesRequest.read(json(body));
    }

    private static List<FieldError> errors(String body) {
        LlmFailureException thrown = assertThrows(LlmFailureException.class, () -> read(body));
        return assertInstanceOf(LlmFailure.InvalidParams.class, thrown.failure()).errors();
    }

    private static Object params(String body) {
        return JSON.valueToTree(read(body).params());
    }

    @Test
    void aPlainRequestBecomesTheDomainParams() {
        assertEquals(json("""
                {"model":"sim-fast","max_tokens":64,
                 "messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}],
                 "temperature":0.5,"stop":["END"]}"""), params("""
                {"model":"sim-fast","max_tokens":64,"system":"Be brief.","temperature":0.5,
                 "stop_sequences":["END"],"metadata":{"user_id":"u-1"},"top_k":5,
                 "messages":[{"role":"user","content":"Hi"}]}"""));
    }

    @Test
    void systemTextBlocksAndContentTextBlocksAreJoinedByLineBreaks() {
        assertEquals(json("""
                {"model":"m","max_tokens":1,
                 "messages":[{"role":"system","content":"A\\nB"},{"role":"user","content":"x\\ny"}]}"""), params("""
                {"model":"m","max_tokens":1,"system":[{"type":"text","text":"A"},{"type":"text","text":"B",
                 "cache_control":{"type":"ephemeral"}}],
                 "messages":[{"role":"user","content":[{"type":"text","text":"x"},{"type":"text","text":"y"}]}]}"""));
    }

    @Test
    void aToolRoundTripBecomesToolCallsAndToolMessages() {
        assertEquals(json("""
                {"model":"m","max_tokens":1,"messages":[
                  {"role":"user","content":"Weather?"},
                  {"role":"assistant","content":"Let me see.","tool_calls":[{"id":"toolu_1","type":"function",
                    "function":{"name":"get_weather","arguments":"{\\"city\\":\\"SF\\"}"}}]},
                  {"role":"tool","tool_call_id":"toolu_1","content":"Sunny"},
                  {"role":"user","content":"Thanks"}],
                 "tools":[{"type":"function","function":{"name":"get_weather","description":"Weather",
                   "parameters":{"type":"object","properties":{"city":{"type":"string"}}}}}],
                 "tool_choice":"required"}"""), params("""
                {"model":"m","max_tokens":1,
                 "tools":[{"name":"get_weather","description":"Weather",
                   "input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}],
                 "tool_choice":{"type":"any"},
                 "messages":[{"role":"user","content":"Weather?"},
                   {"role":"assistant","content":[{"type":"text","text":"Let me see."},
                     {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"SF"}}]},
                   {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1",
                     "content":[{"type":"text","text":"Sunny"}]},{"type":"text","text":"Thanks"}]}]}"""));
    }

    @Test
    void toolChoiceToolNamesTheFunction() {
        assertEquals(json("""
                {"type":"function","function":{"name":"f"}}"""), json(JSON.valueToTree(read("""
                {"model":"m","max_tokens":1,"tools":[{"name":"f","input_schema":{"type":"object"}}],
                 "tool_choice":{"type":"tool","name":"f"},"messages":[{"role":"user","content":"x"}]}""")
                .params().get("tool_choice")).toString()));
    }

    @Test
    void streamIsRead() {
        assertTrue(read("""
                {"model":"m","max_tokens":1,"stream":true,"messages":[{"role":"user","content":"x"}]}""").stream());
        assertFalse(read("""
                {"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"}]}""").stream());
    }

    @Test
    void maxTokensAndModelAreRequired() {
        assertEquals(List.of(new FieldError("model", "Field required"), new FieldError("max_tokens", "Field required")),
                errors("""
                        {"messages":[{"role":"user","content":"x"}]}"""));
    }

    @Test
    void aMaxTokensOfZeroIsRefused() {
        assertEquals(List.of(new FieldError("max_tokens", "must be an integer between 1 and 2147483647")),
                errors("""
                        {"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}"""));
    }

    @Test
    void countTokensNeedsNoMaxTokens() {
        assertEquals(Map.of("model", "m", "messages", List.of(Map.of("role", "user", "content", "x"))),
                MessagesRequest.readForCounting(json("""
                        {"model":"m","messages":[{"role":"user","content":"x"}]}""")).params());
    }

    @Test
    void imageDocumentAndUnknownBlocksAreRefusedNamingTheirType() {
        assertEquals(List.of(
                new FieldError("messages[0].content[1].type",
                        "image blocks are not supported by this gateway; only text, tool_use and tool_result"),
                new FieldError("messages[0].content[2].type",
                        "document blocks are not supported by this gateway; only text, tool_use and tool_result"),
                new FieldError("messages[0].content[3].type",
                        "unknown content block type 'hologram'; only text, tool_use and tool_result")),
                errors("""
                        {"model":"m","max_tokens":1,"messages":[{"role":"user","content":[
                          {"type":"text","text":"look"},
                          {"type":"image","source":{"type":"base64","media_type":"image/png","data":"AA=="}},
                          {"type":"document","source":{"type":"text","media_type":"text/plain","data":"x"}},
                          {"type":"hologram"}]}]}"""));
    }

    @Test
    void anImageInsideAToolResultIsRefusedNamingIt() {
        assertEquals(List.of(new FieldError("messages[2].content[0].content[0].type",
                        "image blocks are not supported by this gateway; only text, tool_use and tool_result")),
                errors("""
                        {"model":"m","max_tokens":1,"messages":[{"role":"user","content":"x"},
                          {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"f","input":{}}]},
                          {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1",
                            "content":[{"type":"image","source":{}}]}]}]}"""));
    }

    @Test
    void aToolResultWithoutAMatchingToolUseIsRefused() {
        assertEquals(List.of(new FieldError("messages[1].content[0].tool_use_id",
                        "unexpected tool_use_id 'toolu_9': each tool_result block must answer a tool_use block of the"
                                + " previous message")),
                errors("""
                        {"model":"m","max_tokens":1,"messages":[{"role":"assistant","content":"hi"},
                          {"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_9","content":"x"}]}]}"""));
    }

    @Test
    void everyBrokenFieldIsReportedAtOnce() {
        assertEquals(List.of(
                new FieldError("max_tokens", "Field required"),
                new FieldError("system", "must be a string or an array of text blocks"),
                new FieldError("messages[0].role", "must be one of: user, assistant"),
                new FieldError("messages[1].content", "Field required"),
                new FieldError("temperature", "must be a number between 0 and 1"),
                new FieldError("stop_sequences", "must be an array of strings"),
                new FieldError("tools[0].type", "server tools ('web_search_20250305') are not supported by this "
                        + "gateway; only custom tools with an input_schema"),
                new FieldError("tools[1].input_schema", "must be a JSON schema object"),
                new FieldError("tool_choice.type", "must be one of: auto, any, tool, none"),
                new FieldError("metadata", "must be an object"),
                new FieldError("stream", "must be a boolean")),
                errors("""
                        {"model":"m","system":7,"temperature":1.5,"stop_sequences":"END","stream":"yes",
                         "metadata":[],"tool_choice":{"type":"all"},
                         "tools":[{"type":"web_search_20250305","name":"web_search"},{"name":"f"}],
                         "messages":[{"role":"system","content":"x"},{"role":"user"}]}"""));
    }

    @Test
    void toolUseInAUserTurnAndToolResultInAnAssistantTurnAreRefused() {
        assertEquals(List.of(
                new FieldError("messages[0].content[0].type", "tool_use blocks are only allowed in assistant messages"),
                new FieldError("messages[1].content[0].type", "tool_result blocks are only allowed in user messages")),
                errors("""
                        {"model":"m","max_tokens":1,"messages":[
                          {"role":"user","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]},
                          {"role":"assistant","content":[{"type":"tool_result","tool_use_id":"t"}]}]}"""));
    }

    @Test
    void domainErrorsAreNamedAsTheAnthropicFields() {
        MessagesRequest request = read("""
                {"model":"m","max_tokens":1,"system":"s","messages":[{"role":"user","content":"x"}]}""");
        LlmFailure renamed = request.named(new LlmFailure.InvalidParams(List.of(
                new FieldError("messages[1].content", "too long"), new FieldError("stop", "too many"),
                new FieldError("tools[0].function.parameters", "bad"))));
        assertEquals(List.of(new FieldError("messages[0].content", "too long"),
                new FieldError("stop_sequences", "too many"), new FieldError("tools[0].input_schema", "bad")),
                ((LlmFailure.InvalidParams) renamed).errors());
    }
}
