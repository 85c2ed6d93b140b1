package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class ErrorAnswersTest {
    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
    private static final ObjectMapper JSON = new ObjectMapper();

    private static java.util.function.Function<String, Optional<String>> headers(Map<String, String> headers) {
        return name -> Optional.ofNullable(headers.get(name));
    }

    @Test
    void a429IsRateLimitedWithTheRetryAfterMsWaitFirst() {
        var failure = ErrorAnswers.classify(ProviderId.OPENAI, 429,
                headers(Map.of("retry-after-ms", "1500", "retry-after", "9")), "slow down", CLOCK);
        assertEquals(new RateLimited(ProviderId.OPENAI, Optional.of(Duration.ofMillis(1500))), failure);
    }

    @Test
    void a429ThatMustNotBeRetriedIsAPermanentProviderFailure() {
        var failure = ErrorAnswers.classify(ProviderId.ANTHROPIC, 429, headers(Map.of("x-should-retry", "false")),
                "no", CLOCK);
        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(429), "no", false), failure);
    }

    @Test
    void aServerErrorIsTransientByTheStatusRule() {
        var failure = ErrorAnswers.classify(ProviderId.OPENAI, 503, headers(Map.of()), "down", CLOCK);
        assertEquals(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(503), "down", true), failure);
    }

    @Test
    void theShouldRetryHeaderOverridesTheStatusRule() {
        var failure = ErrorAnswers.classify(ProviderId.OPENAI, 400, headers(Map.of("x-should-retry", "true")),
                "odd", CLOCK);
        assertEquals(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(400), "odd", true), failure);
    }

    @Test
    void theErrorObjectOfTheEnvelopeIsFound() {
        var error = ErrorAnswers.errorObject(JSON, bytes("{\"error\":{\"message\":\"bad\"}}"));
        assertEquals("bad", error.orElseThrow().get("message").asText());
    }

    @Test
    void aBodyThatIsNotTheEnvelopeHasNoErrorObject() {
        assertEquals(Optional.empty(), ErrorAnswers.errorObject(JSON, bytes("{\"error\":\"bad\"}")));
        assertEquals(Optional.empty(), ErrorAnswers.errorObject(JSON, bytes("<html>502</html>")));
        assertEquals(Optional.empty(), ErrorAnswers.errorObject(JSON, new byte[0]));
    }

    @Test
    void theKeyIsRedactedFromUpstreamText() {
        String key = "sk-test-redaction0123456789abcd";
        ApiKey apiKey = new ApiKey(key);
        assertEquals("Incorrect API key: " + apiKey.masked(),
                ErrorAnswers.redact(Optional.of(apiKey), "Incorrect API key: " + key));
    }

    @Test
    void withoutAKeyTheTextPassesUnchanged() {
        assertEquals("plain", ErrorAnswers.redact(Optional.empty(), "plain"));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
