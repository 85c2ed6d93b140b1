package io.llmclient.provider.support.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.provider.support.retry.RetryAfter;
import java.io.IOException;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * What OpenAI and Anthropic error answers have in common: the {@code {"error":{...}}} envelope,
 * and the classification by status their official SDKs apply. HTTP 429 is RateLimited with the
 * {@code retry-after-ms} / {@code retry-after} wait, unless {@code x-should-retry: false} forbids
 * retrying (then ProviderFailed, not transient); every other status is ProviderFailed with that
 * status, transient by the contract's status rule unless {@code x-should-retry} says otherwise.
 * What the error object says (its message, its types) stays with each adapter.
 */
public final class ErrorAnswers {
    /** Too Many Requests. */
    public static final int TOO_MANY_REQUESTS = 429;

    private ErrorAnswers() {
    }

    /**
     * The failure for an HTTP error answer whose provider message was already read (and redacted).
     *
     * @param header looks a response header up by its lower-case name
     * @param clock  the time an HTTP-date {@code retry-after} is measured from
     */
    public static LlmFailure classify(ProviderId provider, int status, Function<String, Optional<String>> header,
                                      String message, Clock clock) {
        Optional<Boolean> shouldRetry = header.apply(ShouldRetryHeader.NAME).flatMap(ShouldRetryHeader::parse);
        OptionalInt code = OptionalInt.of(status);
        if (status == TOO_MANY_REQUESTS && !shouldRetry.equals(Optional.of(false))) {
            return new RateLimited(provider,
                    RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"), clock.instant()));
        }
        return new ProviderFailed(provider, code, message,
                shouldRetry.orElseGet(() -> ProviderFailed.isTransientStatus(code)));
    }

    /** The {@code error} object of a body, when the body is the documented {@code {"error":{...}}} shape. */
    public static Optional<JsonNode> errorObject(ObjectMapper json, byte[] body) {
        if (body.length == 0) {
            return Optional.empty();
        }
        try {
            JsonNode root = json.readTree(body);
            return root != null && root.path("error").isObject() ? Optional.of(root.get("error")) : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** Upstream text minus the key: a provider (or a proxy) may quote it back, whole or half-masked. */
    public static String redact(Optional<ApiKey> key, String text) {
        return key.map(apiKey -> apiKey.redactFrom(text)).orElse(text);
    }
}
