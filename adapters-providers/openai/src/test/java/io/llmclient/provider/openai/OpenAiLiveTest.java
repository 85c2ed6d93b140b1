package io.llmclient.provider.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ToolChoice;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * One completion, one stream and one streamed forced tool call against the real API. Runs only when {@code OPENAI_API_KEY} is
 * set (and then honours {@code OPENAI_BASE_URL}); otherwise JUnit reports it skipped. Costs a
 * few dozen tokens of gpt-4.1-mini.
 */
@EnabledIfEnvironmentVariable(named = "OPENAI_API_KEY", matches = ".+")
class OpenAiLiveTest {
    private static final ModelEntry MODEL = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final CallContext CONTEXT =
            new CallContext(MODEL, new A2aContext("live-test", Optional.of("openai-live-test"), Optional.empty()));

    // Tests may read the environment; production code below bootstrap never does.
    private static LlmProvider provider() {
        var settings = ProviderSettingsFixtures.builder(ProviderId.OPENAI).apiKey(System.getenv("OPENAI_API_KEY"))
                .baseUrl(Optional.ofNullable(System.getenv("OPENAI_BASE_URL")).filter(url -> !url.isBlank())
                        .map(URI::create))
                .build();
        return new OpenAiProviderFactory().create(settings);
    }

    private static ChatRequest request(boolean stream) {
        return ChatRequests.builder().model("gpt-4.1-mini").system("Answer in one word.").user("What is 1+1?")
                .temperature(0).maxTokens(16).stream(stream).context(CONTEXT.a2a()).build();
    }

    @Test
    void aRealCompletionComesBackNormalised() {
        ChatResponse response = provider().complete(request(false), CONTEXT);
        assertFalse(response.content().isBlank());
        assertEquals("gpt-4.1-mini", response.model());
        assertTrue(response.providerModel().startsWith("gpt-4.1-mini"), response.providerModel());
        assertTrue(response.usage().promptTokens() > 0 && response.usage().completionTokens() > 0);
    }

    @Test
    void aRealStreamEndsWithUsage() {
        List<StreamEvent> events = new ArrayList<>();
        provider().stream(request(true), CONTEXT, events::add);
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        assertFalse(completed.content().isBlank());
        assertTrue(completed.usage().promptTokens() > 0 && completed.usage().completionTokens() > 0);
    }

    @Test
    void aRealForcedToolCallStreamsFragmentsThatMakeTheCompletedCall() {
        // OpenAI ends a forced call with "stop"; the adapter must still report tool_calls.
        var request = ChatRequests.builder().model("gpt-4.1-mini").user("What's the weather like in SF?")
                .temperature(0).maxTokens(64).stream(true).context(CONTEXT.a2a()).tools(ToolFixtures.GET_WEATHER)
                .toolChoice(new ToolChoice.Named("get_weather")).build();
        List<StreamEvent> events = new ArrayList<>();
        provider().stream(request, CONTEXT, events::add);
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        var assembler = new ToolCallAssembler();
        events.stream().filter(StreamEvent.ToolCallDelta.class::isInstance).map(StreamEvent.ToolCallDelta.class::cast)
                .forEach(assembler::add);
        assertEquals(FinishReason.TOOL_CALLS, completed.finishReason());
        assertEquals(assembler.toolCalls(), completed.toolCalls());
        assertEquals("get_weather", completed.toolCalls().getFirst().name());
        assertTrue(completed.toolCalls().getFirst().arguments().contains("\"city\""), completed.toolCalls().toString());
    }
}
