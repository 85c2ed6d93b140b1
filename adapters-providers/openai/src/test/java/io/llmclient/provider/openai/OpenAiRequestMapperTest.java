package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import java.io.IOException;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class OpenAiRequestMapperTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    // 0 and 0.0 are the same JSON number; Jackson's node equality tells them apart.
    private static final Comparator<JsonNode> NUMBERS_BY_VALUE = (a, b) -> a.isNumber() && b.isNumber()
            ? a.decimalValue().compareTo(b.decimalValue()) : (a.equals(b) ? 0 : 1);

    private static void assertSameJson(JsonNode expected, JsonNode actual) {
        assertTrue(expected.equals(NUMBERS_BY_VALUE, actual), () -> "expected " + expected + "\n but was " + actual);
    }

    @Test
    void aStreamedRequestIsTheFixtureRequestExactly() throws IOException {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(true), "gpt-4.1-mini", true);
        assertSameJson(JSON.readTree(Fixtures.bytes("chat-request.json")), wire);
    }

    @Test
    void theCookbooksIncludeUsageRequestIsReproducedExactly() throws IOException {
        var request = new ChatRequest(Optional.empty(), List.of(new Message(Role.USER, "What's 1+1? Answer in one word.")),
                OptionalDouble.of(0), OptionalInt.empty(), true, Optional.empty(), Optional.empty(),
                A2aContext.ofTrace("t"));
        var wire = OpenAiRequestMapper.map(request, "gpt-3.5-turbo", true);
        assertSameJson(JSON.readTree(Fixtures.bytes("chat-request-stream-usage.json")), wire);
    }

    @Test
    void theTokenLimitIsSentAsMaxCompletionTokensNeverMaxTokens() {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(false), "gpt-5-mini", false);
        assertTrue(wire.get("max_completion_tokens").asInt() == 256);
        assertFalse(wire.has("max_tokens"));
    }

    @Test
    void aCompletionRequestAsksForNoStream() {
        var wire = OpenAiRequestMapper.map(TestRequests.helloRequest(false), "gpt-4.1-mini", false);
        assertFalse(wire.has("stream"));
        assertFalse(wire.has("stream_options"));
    }

    @Test
    void unsetSamplingOptionsAreLeftOut() {
        var wire = OpenAiRequestMapper.map(TestRequests.weatherRequest(), "gpt-4.1-mini", false);
        assertFalse(wire.has("temperature"));
        assertFalse(wire.has("max_completion_tokens"));
    }
}
