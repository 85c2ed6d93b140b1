package io.llmclient.provider.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * Against the real API; runs only when {@code GOOGLE_API_KEY} is set (reported skipped otherwise).
 * {@code GEMINI_LIVE_MODEL} picks the model (default gemini-2.0-flash: the 1.5 models of the
 * catalog have been retired by Google), {@code GEMINI_BASE_URL} the endpoint.
 */
@EnabledIfEnvironmentVariable(named = "GOOGLE_API_KEY", matches = ".+")
class GeminiLiveTest {
    private static final String MODEL = Optional.ofNullable(System.getenv("GEMINI_LIVE_MODEL")).orElse("gemini-2.0-flash");
    private static final CallContext CONTEXT = new CallContext(
            ModelEntry.of(MODEL, ProviderId.GEMINI, ModelTier.FAST), A2aContext.ofTrace("live-gemini"));

    private static LlmProvider provider(String key) {
        URI base = Optional.ofNullable(System.getenv("GEMINI_BASE_URL")).map(URI::create)
                .orElse(GeminiProviderFactory.DEFAULT_BASE_URL);
        return new GeminiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.GEMINI).apiKey(key)
                .baseUrl(base).build());
    }

    private static ChatRequest request() {
        return ChatRequests.builder().model(MODEL).system("Answer in one short sentence.")
                .user("Why is the sky blue?").temperature(0.2).maxTokens(64).context(CONTEXT.a2a()).build();
    }

    @Test
    void aRealCompletionComesBackNormalised() {
        ChatResponse response = provider(System.getenv("GOOGLE_API_KEY")).complete(request(), CONTEXT);
        assertFalse(response.content().isBlank());
        assertTrue(response.finishReason() == FinishReason.STOP || response.finishReason() == FinishReason.LENGTH);
        assertTrue(response.usage().promptTokens() > 0 && response.usage().completionTokens() > 0);
        assertEquals(MODEL, response.model());
    }

    @Test
    void aRealStreamEndsWithOneCompletedWhoseContentIsTheDeltas() {
        List<StreamEvent> events = new ArrayList<>();
        provider(System.getenv("GOOGLE_API_KEY")).stream(request(), CONTEXT, events::add);
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast()).response();
        String deltas = events.stream().filter(StreamEvent.Delta.class::isInstance)
                .map(event -> ((StreamEvent.Delta) event).text()).reduce("", String::concat);
        assertEquals(deltas, completed.content());
        assertTrue(completed.usage().completionTokens() > 0);
    }

    @Test
    void aWrongKeyIsA400ThatDoesNotEchoTheKey() {
        String wrong = "AIza" + "-test-canary-not-a-real-key-0000000000000";
        var failure = assertThrows(LlmFailureException.class,
                () -> provider(wrong).complete(request(), CONTEXT)).failure();
        var failed = assertInstanceOf(LlmFailure.ProviderFailed.class, failure);
        assertEquals(OptionalInt.of(400), failed.status());
        assertFalse(failed.message().contains(wrong.substring(0, 12)), failed.message());
    }
}
