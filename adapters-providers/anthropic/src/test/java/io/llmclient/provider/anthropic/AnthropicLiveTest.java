package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.stream.StreamEvent;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Calls the real Anthropic API. Runs only when {@code ANTHROPIC_API_KEY} is set (reported
 * skipped otherwise); {@code ANTHROPIC_BASE_URL} and {@code ANTHROPIC_LIVE_MODEL} (default
 * {@code claude-3-5-haiku-20241022}) may point it elsewhere. Costs a few dozen tokens.
 */
@EnabledIfEnvironmentVariable(named = "ANTHROPIC_API_KEY", matches = ".+")
class AnthropicLiveTest {
    private static final ModelEntry MODEL = new ModelEntry("live-model", ProviderId.ANTHROPIC, ModelTier.FAST,
            Optional.ofNullable(System.getenv("ANTHROPIC_LIVE_MODEL")).orElse("claude-3-5-haiku-20241022"));
    private static final CallContext CONTEXT = new CallContext(MODEL, TestRequests.A2A);

    private static LlmProvider provider() {
        URI base = Optional.ofNullable(System.getenv("ANTHROPIC_BASE_URL")).filter(s -> !s.isBlank())
                .map(URI::create).orElse(AnthropicProviderFactory.DEFAULT_BASE_URL);
        return new AnthropicProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.ANTHROPIC)
                .apiKey(System.getenv("ANTHROPIC_API_KEY")).baseUrl(base).build());
    }

    @Test
    void aRealCompletionComesBackNormalised() {
        ChatResponse response = provider().complete(TestRequests.request(TestRequests.system("Answer in one word."),
                TestRequests.user("What colour is the sky on a clear day?")), CONTEXT);
        assertEquals("live-model", response.model());
        assertFalse(response.content().isBlank());
        assertTrue(response.usage().promptTokens() > 0 && response.usage().completionTokens() > 0);
    }

    @Test
    void aRealStreamDeliversDeltasThenCompleted() {
        List<StreamEvent> events = new ArrayList<>();
        provider().stream(TestRequests.request(TestRequests.user("Count from 1 to 5, separated by spaces.")), CONTEXT,
                events::add);
        var done = (StreamEvent.Completed) events.getLast();
        String joined = events.stream().filter(StreamEvent.Delta.class::isInstance)
                .map(event -> ((StreamEvent.Delta) event).text()).reduce("", String::concat);
        assertEquals(joined, done.response().content());
        assertEquals(FinishReason.STOP, done.response().finishReason());
        assertTrue(done.response().usage().completionTokens() > 0);
    }
}
