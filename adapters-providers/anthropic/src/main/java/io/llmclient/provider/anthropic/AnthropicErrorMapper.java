package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.provider.support.http.UnreadableErrorBody;
import io.llmclient.provider.support.skeleton.ErrorMapper;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.function.Function;

/**
 * Turns an Anthropic error answer into the failure the contract names. The documented body is
 * {@code {"type":"error","error":{"type","message"},"request_id"}}, both for an HTTP error and
 * for an {@code event: error} inside a stream.
 *
 * <ul>
 *   <li>HTTP 429 is RateLimited, with the wait from {@code retry-after-ms} / {@code retry-after}
 *       only, unless {@code x-should-retry: false} forbids retrying (then ProviderFailed, not
 *       transient);</li>
 *   <li>every other status is ProviderFailed with that status, transient by the contract's
 *       status rule (so 529 and 5xx are) unless {@code x-should-retry} says otherwise, as the
 *       official SDKs obey it;</li>
 *   <li>an error event after HTTP 200 has no status of its own: its {@code error.type} decides
 *       ({@code rate_limit_error} is RateLimited; {@code overloaded_error}, {@code api_error},
 *       {@code timeout_error} are transient; the rest are not).</li>
 * </ul>
 * The first two are every provider's ({@link ErrorMapper}). The provider message is
 * {@code "<error.type>: <error.message>"}, minus anything like the key.
 */
final class AnthropicErrorMapper extends ErrorMapper {
    private static final String RATE_LIMIT_ERROR = "rate_limit_error";
    private static final Set<String> TRANSIENT_STREAM_ERRORS = Set.of("overloaded_error", "api_error", "timeout_error");

    /** @param clock the time an HTTP-date {@code retry-after} is measured from */
    AnthropicErrorMapper(Optional<ApiKey> key, Clock clock) {
        super(ProviderId.ANTHROPIC, key, clock);
    }

    @Override
    protected String describe(JsonNode error) {
        Optional<String> type = text(error, "type");
        Optional<String> message = text(error, "message").filter(m -> !m.isBlank());
        if (type.isPresent() && message.isPresent()) {
            return type.get() + ": " + message.get();
        }
        return message.or(() -> type).orElse("error without a message");
    }

    @Override
    protected String describeUnreadable(int status, Function<String, Optional<String>> header, byte[] body) {
        return UnreadableErrorBody.describe(status, header.apply("content-type"), body, "an Anthropic error");
    }

    /** The failure for the {@code error} object of an {@code event: error} in a stream. */
    @Override
    public LlmFailure fromStream(JsonNode error) {
        String type = text(error, "type").orElse("");
        if (RATE_LIMIT_ERROR.equals(type)) {
            // No headers come with an event, so there is no wait hint (never read from the text).
            return new RateLimited(ProviderId.ANTHROPIC, Optional.empty());
        }
        return new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.empty(), redact(describe(error)),
                TRANSIENT_STREAM_ERRORS.contains(type));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? Optional.of(value.asText()) : Optional.empty();
    }
}
