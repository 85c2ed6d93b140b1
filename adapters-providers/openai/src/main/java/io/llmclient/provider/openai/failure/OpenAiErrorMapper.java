package io.llmclient.provider.openai.failure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.provider.support.http.ErrorAnswers;
import io.llmclient.provider.support.http.UnreadableErrorBody;
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
 * The provider's message is kept verbatim, minus anything that looks like the API key.
 */
public final class OpenAiErrorMapper {
    private static final String INSUFFICIENT_QUOTA = "insufficient_quota";

    private final ObjectMapper json;
    private final Optional<ApiKey> key;
    private final Clock clock;

    public OpenAiErrorMapper(ObjectMapper json, Optional<ApiKey> key, Clock clock) {
        this.json = json;
        this.key = key;
        this.clock = clock;
    }

    /**
     * The failure for an HTTP error answer.
     *
     * @param header looks a response header up by its lower-case name
     */
    public LlmFailure fromHttp(int status, Function<String, Optional<String>> header, byte[] body) {
        Optional<JsonNode> error = ErrorAnswers.errorObject(json, body);
        String message = redact(error.map(OpenAiErrorMapper::message)
                .orElseGet(() -> UnreadableErrorBody.describe(status, header.apply("content-type"), body, "an OpenAI error")));
        boolean quota = error.map(e -> INSUFFICIENT_QUOTA.equals(text(e, "code"))
                || INSUFFICIENT_QUOTA.equals(text(e, "type"))).orElse(false);
        if (status == ErrorAnswers.TOO_MANY_REQUESTS && quota) {
            return new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(status), message, false);
        }
        return ErrorAnswers.classify(ProviderId.OPENAI, status, header, message, clock);
    }

    /**
     * The failure for an {@code error} object that arrived inside a stream, after HTTP 200: no
     * status describes it, and only a {@code server_error} is worth trying again.
     */
    public LlmFailure fromStream(JsonNode error) {
        return new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(), redact(message(error)),
                "server_error".equals(text(error, "type")));
    }

    private static String message(JsonNode error) {
        String message = text(error, "message");
        String code = text(error, "code");
        if (message == null || message.isBlank()) {
            return code != null ? code : "error without a message";
        }
        return message;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** Upstream text minus the key: a provider (or a proxy) may quote it back, whole or half-masked. */
    private String redact(String text) {
        return ErrorAnswers.redact(key, text);
    }
}
