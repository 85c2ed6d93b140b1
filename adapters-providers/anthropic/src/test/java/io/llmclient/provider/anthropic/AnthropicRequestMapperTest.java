package io.llmclient.provider.anthropic;

import static io.llmclient.provider.anthropic.TestRequests.assistant;
import static io.llmclient.provider.anthropic.TestRequests.request;
import static io.llmclient.provider.anthropic.TestRequests.system;
import static io.llmclient.provider.anthropic.TestRequests.user;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class AnthropicRequestMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode json(String text) throws IOException {
        return JSON.readTree(text);
    }

    @Test
    void theDocumentedSystemPromptRequestIsReproducedExactly() {
        ObjectNode wire = AnthropicRequestMapper.map(TestRequests.dataScientist(), "claude-3-7-sonnet-20250219", 4096, false);
        assertEquals(Fixtures.json("messages-request.json"), wire);
    }

    @Test
    void systemMessagesMoveToTheTopLevelSystemFieldJoinedInOrder() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(system("Be brief."), user("Hi"), system("Answer in French.")), "m", 100, false);
        assertEquals(json("""
                {"model":"m","max_tokens":100,"system":"Be brief.\\n\\nAnswer in French.",
                 "messages":[{"role":"user","content":"Hi"}]}"""), wire);
    }

    @Test
    void withoutSystemMessagesNoSystemFieldIsSent() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false);
        assertFalse(wire.has("system"));
    }

    @Test
    void consecutiveTurnsOfTheSameRoleAreMergedIntoOne() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(user("a"), user("b"), assistant("c"), assistant("d"), user("e")), "m", 100, false);
        assertEquals(json("""
                [{"role":"user","content":"a\\n\\nb"},{"role":"assistant","content":"c\\n\\nd"},
                 {"role":"user","content":"e"}]"""), wire.get("messages"));
    }

    @Test
    void turnsThatBecomeNeighboursWhenASystemMessageMovesOutAreMerged() throws IOException {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("a"), system("s"), user("b")), "m", 100, false);
        assertEquals(json("[{\"role\":\"user\",\"content\":\"a\\n\\nb\"}]"), wire.get("messages"));
    }

    @Test
    void theCallersMaxTokensWinsOverTheDefault() {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(OptionalDouble.empty(), OptionalInt.of(256), user("Hi")), "m", 4096, false);
        assertEquals(256, wire.get("max_tokens").intValue());
    }

    @Test
    void withoutMaxTokensTheDefaultIsSentBecauseAnthropicRequiresIt() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 4096, false);
        assertEquals(4096, wire.get("max_tokens").intValue());
    }

    @Test
    void aTemperatureWithinAnthropicsRangeIsSentAsGiven() {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(OptionalDouble.of(0.7), OptionalInt.empty(), user("Hi")), "m", 100, false);
        assertEquals(0.7, wire.get("temperature").doubleValue());
    }

    @Test
    void aTemperatureAboveOneIsClampedToOne() {
        ObjectNode wire = AnthropicRequestMapper.map(
                request(OptionalDouble.of(1.7), OptionalInt.empty(), user("Hi")), "m", 100, false);
        assertEquals(1.0, wire.get("temperature").doubleValue());
    }

    @Test
    void withoutTemperatureNoneIsSent() {
        assertFalse(AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false).has("temperature"));
    }

    @Test
    void aStreamAsksForStreamTrue() {
        ObjectNode wire = AnthropicRequestMapper.map(request(user("Hi")), "m", 100, true);
        assertEquals(true, wire.get("stream").booleanValue());
    }

    @Test
    void aCompletionSendsNoStreamField() {
        assertFalse(AnthropicRequestMapper.map(request(user("Hi")), "m", 100, false).has("stream"));
    }
}
