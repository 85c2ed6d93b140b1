package io.llmclient.domain.failure;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class LlmFailureTest {

    private static final InvalidParams INVALID = new InvalidParams(List.of(
            new FieldError("temperature", "must be between 0 and 2"), new FieldError("messages[0].role", "is required")));
    private static final ModelNotAllowed NOT_ALLOWED = new ModelNotAllowed("gpt-4", List.of("gpt-4.1-mini", "sim-fast"));
    private static final ProviderFailed FAILED = new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(500), "boom");
    private static final ProviderTimedOut TIMED_OUT = new ProviderTimedOut(ProviderId.GEMINI, Duration.ofSeconds(60));
    private static final RateLimited RATE_LIMITED = new RateLimited(ProviderId.ANTHROPIC,
            Optional.of(Duration.ofMillis(1500)));
    private static final ProviderUnavailable UNAVAILABLE = ProviderUnavailable.forTier(ModelTier.PREMIUM, "none");
    private static final Overloaded OVERLOADED = new Overloaded(ProviderId.OPENAI, 100);

    @Test
    void typeNamesAreTheContractsErrorTypes() {
        assertEquals("InvalidParams", INVALID.type());
        assertEquals("ModelNotAllowedError", NOT_ALLOWED.type());
        assertEquals("ProviderError", FAILED.type());
        assertEquals("ProviderTimeoutError", TIMED_OUT.type());
        assertEquals("RateLimitedError", RATE_LIMITED.type());
        assertEquals("ProviderUnavailableError", UNAVAILABLE.type());
        assertEquals("OverloadedError", OVERLOADED.type());
    }

    @Test
    void invalidParamsMessageListsEveryField() {
        assertEquals("Invalid params: temperature must be between 0 and 2; messages[0].role is required",
                INVALID.message());
    }

    @Test
    void invalidParamsNeedsAtLeastOneError() {
        assertThrows(IllegalArgumentException.class, () -> new InvalidParams(List.of()));
    }

    @Test
    void modelNotAllowedMessageNamesTheModelAndTheAllowedModels() {
        assertEquals("Model 'gpt-4' is not allowed; allowed models: gpt-4.1-mini, sim-fast", NOT_ALLOWED.message());
    }

    @Test
    void providerFailedMessageGivesTheStatusWhenThereIsOne() {
        assertEquals("Provider openai failed with HTTP 500: boom", FAILED.message());
    }

    @Test
    void providerFailedMessageOmitsTheStatusForAConnectionFailure() {
        assertEquals("Provider openai failed: connection refused",
                new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(), "connection refused").message());
    }

    @Test
    void providerTimedOutMessageGivesTheTimeoutInMilliseconds() {
        assertEquals("Provider gemini timed out after 60000 ms", TIMED_OUT.message());
    }

    @Test
    void rateLimitedMessageGivesTheWaitHintInSecondsWhenKnown() {
        assertEquals("Provider anthropic is rate limiting requests; retry after 1.5 s", RATE_LIMITED.message());
        assertEquals("Provider anthropic is rate limiting requests",
                new RateLimited(ProviderId.ANTHROPIC, Optional.empty()).message());
    }

    @Test
    void providerUnavailableForModelNamesModelAndProvider() {
        var failure = ProviderUnavailable.forModel("gpt-4.1-mini", ProviderId.OPENAI, "no key");
        assertEquals(Optional.of(ProviderId.OPENAI), failure.provider());
        assertEquals(Optional.of("gpt-4.1-mini"), failure.model());
        assertEquals(Optional.empty(), failure.tier());
        assertEquals("no key", failure.message());
    }

    @Test
    void providerUnavailableForTierNamesOnlyTheTier() {
        assertEquals(new ProviderUnavailable(Optional.empty(), Optional.empty(), Optional.of(ModelTier.PREMIUM), "none"),
                UNAVAILABLE);
    }

    @Test
    void overloadedMessageGivesTheQueueSize() {
        assertEquals("Too many requests waiting for provider openai (queue of 100 is full)", OVERLOADED.message());
    }

    @Test
    void anOverloadedResponseBufferNamesTheSettingAndItsSize() {
        var full = new Overloaded(ProviderId.ANTHROPIC, new Overloaded.ResponseBuffer(8192));
        assertEquals("OverloadedError", full.type());
        assertEquals("Too many large answers being read at once: the answer of provider anthropic does not fit in "
                + "the 8192 bytes all upstream answers share (LLM_RESPONSE_BUFFER_BYTES); try again shortly",
                full.message());
    }

    @Test
    void exceptionCarriesTheFailureAndItsMessage() {
        var exception = new LlmFailureException(FAILED);
        assertSame(FAILED, exception.failure());
        assertEquals(FAILED.message(), exception.getMessage());
        assertEquals(0, exception.getStackTrace().length, "failures are expected outcomes: no stack trace is filled");
    }

    @Test
    void exceptionKeepsItsCause() {
        var cause = new IllegalStateException("io");
        var exception = new LlmFailureException(TIMED_OUT, cause);
        assertSame(cause, exception.getCause());
        assertSame(TIMED_OUT, exception.failure());
    }

    @Test
    void fieldErrorNeedsFieldAndMessage() {
        assertThrows(NullPointerException.class, () -> new FieldError(null, "x"));
        assertThrows(NullPointerException.class, () -> new FieldError("x", null));
    }
}
