package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.provider.support.retry.RetryAfter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Gemini's error answers -> the failure family. Gemini wraps every error in
 * {@code {"error":{"code","message","status","details":[...]}}} (a google.rpc.Status), also on
 * the streaming endpoint, where the body is plain JSON although {@code Content-Type} says
 * {@code text/event-stream}.
 */
final class GeminiErrors {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
    private static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
    // A protobuf Duration in JSON: seconds with up to nine fractional digits and an "s" suffix.
    private static final Pattern PROTO_DURATION = Pattern.compile("(\\d{1,12})(\\.\\d{1,9})?s");
    private static final int MAX_MESSAGE_CHARS = 500;

    private GeminiErrors() {
    }

    /**
     * The failure for a non-2xx answer.
     *
     * @param header a response header by (case-insensitive) name
     * @param now    the time an HTTP-date {@code retry-after} is measured from
     */
    static LlmFailure fromResponse(int status, Function<String, Optional<String>> header, byte[] body,
                                   Optional<ApiKey> key, Instant now) {
        Optional<JsonNode> error = errorObject(body);
        boolean quota = status == 429 || error.map(e -> "RESOURCE_EXHAUSTED".equals(e.path("status").asText()))
                .orElse(false);
        if (quota) {
            // Wait hints come from RetryInfo first, then the standard headers; never from the message text
            // ("Please retry in 56.18s" in the fixture is prose, RetryInfo is the API).
            Optional<Duration> wait = error.flatMap(GeminiErrors::retryDelay)
                    .or(() -> RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"), now));
            return new RateLimited(ProviderId.GEMINI, wait);
        }
        String message = error.map(GeminiErrors::describe)
                .orElseGet(() -> body.length == 0 ? "HTTP " + status : rawText(body));
        return new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(status), redact(key, clip(message)));
    }

    /**
     * The failure for an {@code error} object inside a stream event (the HTTP status was 200):
     * classified by the {@code code} it carries, as if it had been the response status.
     */
    static LlmFailure fromStreamError(JsonNode error, Optional<ApiKey> key) {
        int code = error.path("code").asInt(0);
        if (code == 429 || "RESOURCE_EXHAUSTED".equals(error.path("status").asText())) {
            return new RateLimited(ProviderId.GEMINI, retryDelay(error));
        }
        String message = redact(key, clip(describe(error)));
        return code >= 100 && code <= 599
                ? new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(code), message)
                // No status to judge by: an upstream that fails mid-answer is worth another try.
                : new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(200), message, true);
    }

    /** The {@code error} object of a body, if the body is a google.rpc.Status envelope (or a list of one). */
    static Optional<JsonNode> errorObject(byte[] body) {
        try {
            JsonNode root = JSON.readTree(body);
            if (root != null && root.isArray()) {
                root = root.path(0);
            }
            JsonNode error = root == null ? null : root.path("error");
            return error != null && error.isObject() ? Optional.of(error) : Optional.empty();
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /** "STATUS (REASON): message", e.g. "INVALID_ARGUMENT (API_KEY_INVALID): API key not valid...". */
    private static String describe(JsonNode error) {
        String status = error.path("status").asText("");
        String reason = "";
        for (JsonNode detail : error.path("details")) {
            if (ERROR_INFO.equals(detail.path("@type").asText()) && detail.path("reason").isTextual()) {
                reason = detail.path("reason").asText();
            }
        }
        String message = error.path("message").asText("");
        String head = status + (reason.isEmpty() ? "" : " (" + reason + ")");
        return head.isEmpty() ? message : message.isEmpty() ? head : head + ": " + message;
    }

    /** {@code RetryInfo.retryDelay}, a protobuf duration string such as {@code 56s} or {@code 0.539477544s}. */
    static Optional<Duration> retryDelay(JsonNode error) {
        for (JsonNode detail : error.path("details")) {
            if (RETRY_INFO.equals(detail.path("@type").asText())) {
                return protoDuration(detail.path("retryDelay").asText(""));
            }
        }
        return Optional.empty();
    }

    static Optional<Duration> protoDuration(String text) {
        Matcher matcher = PROTO_DURATION.matcher(text.strip());
        if (!matcher.matches()) {
            return Optional.empty();
        }
        return Optional.of(seconds(matcher.group(1) + (matcher.group(2) == null ? "" : matcher.group(2))));
    }

    private static Duration seconds(String decimal) {
        return Duration.ofNanos(new BigDecimal(decimal).movePointRight(9).longValue());
    }

    private static String rawText(byte[] body) {
        return new String(body, StandardCharsets.UTF_8).strip();
    }

    private static String clip(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }

    /** Upstream text minus the key: an error (or a proxy in between) may quote it back. */
    static String redact(Optional<ApiKey> key, String text) {
        return key.map(apiKey -> apiKey.redactFrom(text)).orElse(text);
    }
}
