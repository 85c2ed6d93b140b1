package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The mapping rules no recorded fixture shows; the fixtures themselves go through WireMock. */
class AnthropicErrorMapperTest {
    private static final String KEY = "sk-ant-" + "test-canary-abcdefghijklmnopqrstuvwxyz0123456789-WXYZ";

    private final AnthropicErrorMapper mapper = new AnthropicErrorMapper(
            Optional.of(new ApiKey(KEY)), Clock.fixed(Instant.parse("2026-02-25T20:02:30Z"), ZoneOffset.UTC));

    private LlmFailure map(int status, Map<String, String> headers, String body) {
        return mapper.fromHttp(status, name -> Optional.ofNullable(headers.get(name)),
                body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void xShouldRetryTrueMakesAClientErrorTransient() {
        var failure = map(409, Map.of("x-should-retry", "true"),
                "{\"type\":\"error\",\"error\":{\"type\":\"conflict_error\",\"message\":\"busy\"}}");
        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(409), "conflict_error: busy", true), failure);
    }

    @Test
    void xShouldRetryFalseMakesAServerErrorFinal() {
        var failure = map(500, Map.of("x-should-retry", "false"),
                "{\"type\":\"error\",\"error\":{\"type\":\"api_error\",\"message\":\"Internal server error\"}}");
        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(500), "api_error: Internal server error", false),
                failure);
    }

    @Test
    void aRateLimitThatMustNotBeRetriedIsAFinalProviderError() {
        var failure = map(429, Map.of("x-should-retry", "false", "retry-after", "5"),
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"quota\"}}");
        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(429), "rate_limit_error: quota", false), failure);
    }

    @Test
    void theWaitComesFromHeadersNeverFromTheMessage() {
        var failure = map(429, Map.of(),
                "{\"type\":\"error\",\"error\":{\"type\":\"rate_limit_error\",\"message\":\"retry after 30 seconds\"}}");
        assertEquals(new LlmFailure.RateLimited(ProviderId.ANTHROPIC, Optional.empty()), failure);
    }

    @Test
    void anHtmlPageFromAProxyIsDescribedNotQuoted() {
        var failure = map(502, Map.of("content-type", "text/html"), "<html><body>Bad gateway</body></html>");
        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(502),
                "HTTP 502 with a body that is not an Anthropic error (text/html, 37 bytes, HTML)", true), failure);
    }

    @Test
    void anEmptyBodyIsSaidToBeEmpty() {
        assertEquals(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.of(503), "HTTP 503 with an empty body", true),
                map(503, Map.of(), ""));
    }

    @Test
    void aKeyQuotedByTheProviderIsMaskedInTheMessage() {
        var failure = (ProviderFailed) map(401, Map.of(), "{\"type\":\"error\",\"error\":{\"type\":\"authentication_error\","
                + "\"message\":\"invalid x-api-key " + KEY.substring(0, 20) + "...\"}}");
        assertEquals("authentication_error: invalid x-api-key ****WXYZ", failure.providerMessage());
        assertFalse(failure.message().contains("abcdefgh"));
    }
}
