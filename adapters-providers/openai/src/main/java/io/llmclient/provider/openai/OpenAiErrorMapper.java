package io.llmclient.provider.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.provider.support.http.ErrorAnswers;
import io.llmclient.provider.support.http.UnreadableErrorBody;
import io.llmclient.provider.support.skeleton.ErrorMapper;
import java.time.Clock;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * Turns an OpenAI error answer (a non-2xx status, or an {@code error} object inside a stream)
 * into the failure the contract names. The body's shape is OpenAPI's {@code ErrorResponse}:
 * {@code {"error":{"message","type","param","code"}}}.
 *
 * <ul>
 *   <li>429 {@code insufficient_quota} is billing, not load: ProviderFailed, not transient;</li>
 *   <li>any other 429 is RateLimited with the {@code retry-after-ms}/{@code retry-after} wait,
 *       unless {@code x-should-retry: false} forbids retrying (then ProviderFailed, not transient);</li>
 *   <li>every other status is ProviderFailed, transient by the contract's status rule unless
 *       {@code x-should-retry} says otherwise (the official SDKs obey that header too).</li>
 * </ul>
 * The last two are every provider's ({@link ErrorMapper}). The provider's message is kept
 * verbatim, minus anything that looks like the API key.
 */
final class OpenAiErrorMapper extends ErrorMapper {
    private static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    /** @param clock the time an HTTP-date {@code retry-after} is measured from */
    OpenAiErrorMapper(Optional<ApiKey> key, Clock clock) {
        super(ProviderId.OPENAI, key, clock);
    }

    @Override
    protected String describe(JsonNode error) {
        String message = text(error, "message");
        String code = text(error, "code");
        if (message == null || message.isBlank()) {
            return code != null ? code : "error without a message";
        }
        return message;
    }

    @Override
    protected String describeUnreadable(int status, Function<String, Optional<String>> header, byte[] body) {
        return UnreadableErrorBody.describe(status, header.apply("content-type"), body, "an OpenAI error");
    }

    @Override
    protected Optional<LlmFailure> special(int status, Optional<JsonNode> error,
                                           Function<String, Optional<String>> header, String message) {
        boolean quota = error.map(e -> INSUFFICIENT_QUOTA.equals(text(e, "code"))
                || INSUFFICIENT_QUOTA.equals(text(e, "type"))).orElse(false);
        if (status == ErrorAnswers.TOO_MANY_REQUESTS && quota) {
            return Optional.of(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(status), message, false));
        }
        return Optional.empty();
    }

    /**
     * The failure for an {@code error} object that arrived inside a stream, after HTTP 200: no
     * status describes it, and only a {@code server_error} is worth trying again.
     */
    @Override
    public LlmFailure fromStream(JsonNode error) {
        return new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(), redact(describe(error)),
                "server_error".equals(text(error, "type")));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }
}
