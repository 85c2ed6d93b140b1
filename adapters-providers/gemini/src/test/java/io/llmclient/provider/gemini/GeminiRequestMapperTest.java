package io.llmclient.provider.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class GeminiRequestMapperTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.GEMINI);

    static final String STORY = FIXTURES.json("generate-request.json").at("/contents/1/parts/0/text").asText();

    static ChatRequest request(OptionalDouble temperature, OptionalInt maxTokens, Message... messages) {
        var request = ChatRequests.builder().model("gemini-1.5-flash").messages(messages).maxTokens(maxTokens)
                .traceId("t-1");
        temperature.ifPresent(request::temperature);
        return request.build();
    }

    /** The conversation of generate-request.json: system, user, assistant, user; temperature 0.5, 20 tokens. */
    static ChatRequest storyRequest() {
        return request(OptionalDouble.of(0.5), OptionalInt.of(20),
                new Message(Role.SYSTEM, "I say high you say low"),
                new Message(Role.USER, "Tell me a story in 100 words?"),
                new Message(Role.ASSISTANT, STORY),
                new Message(Role.USER, "What is the title of the story?"));
    }

    @Test
    void aConversationWithSystemAndSamplingMapsToTheComposedFixture() {
        assertEquals(FIXTURES.json("generate-request.json"), GeminiRequestMapper.map(storyRequest()));
    }

    @Test
    void temperatureAndTokenLimitGoToGenerationConfig() {
        var request = request(OptionalDouble.of(0.5), OptionalInt.of(20), new Message(Role.USER, "why is the sky blue?"));
        assertEquals(FIXTURES.json("generate-request-config.json"), GeminiRequestMapper.map(request));
    }

    @Test
    void aSystemMessageBecomesTheSystemInstructionAndNoSamplingLeavesAnEmptyConfig() {
        var request = request(OptionalDouble.empty(), OptionalInt.empty(),
                new Message(Role.SYSTEM, "I say high you say low"), new Message(Role.USER, "high"));
        assertEquals(FIXTURES.json("generate-request-system-instruction.json"), GeminiRequestMapper.map(request));
    }

    @Test
    void severalSystemMessagesBecomePartsOfOneInstructionInOrder() {
        var body = GeminiRequestMapper.map(request(OptionalDouble.empty(), OptionalInt.empty(),
                new Message(Role.SYSTEM, "Be brief."), new Message(Role.USER, "Hi"),
                new Message(Role.SYSTEM, "Answer in French.")));
        assertEquals("Be brief.", body.at("/systemInstruction/parts/0/text").asText());
        assertEquals("Answer in French.", body.at("/systemInstruction/parts/1/text").asText());
        assertEquals(1, body.get("contents").size(), "system turns never appear in contents");
    }

    @Test
    void withoutSystemMessagesThereIsNoSystemInstruction() {
        var body = GeminiRequestMapper.map(request(OptionalDouble.empty(), OptionalInt.empty(),
                new Message(Role.USER, "Hi")));
        assertFalse(body.has("systemInstruction"));
    }
}
