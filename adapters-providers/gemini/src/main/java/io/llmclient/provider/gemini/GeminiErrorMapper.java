package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.provider.support.retry.RetryAfter;
import io.llmclient.provider.support.skeleton.ErrorMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
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
 *
 * <ul>
 *   <li>HTTP 429, or an error whose status is {@code RESOURCE_EXHAUSTED}, is RateLimited with the
 *       wait from {@code RetryInfo.retryDelay}, else from the standard headers;</li>
 *   <li>every other status is ProviderFailed with that status, transient by the contract's status
 *       rule ({@link ErrorMapper}; Gemini sends no {@code x-should-retry}, and it is not read);</li>
 *   <li>the message is {@code "STATUS (REASON): message"}, or the raw body when it is not an error
 *       envelope, at most {@value #MAX_MESSAGE_CHARS} characters, minus anything like the key;</li>
 *   <li>a stream refused with an error status whose body could not be read is still classified
 *       by its status.</li>
 * </ul>
 */
final class GeminiErrorMapper extends ErrorMapper {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HEADERS = List.of("retry-after", "retry-after-ms", "content-type");
    private static final String RESOURCE_EXHAUSTED = "RESOURCE_EXHAUSTED";
    private static final String RETRY_INFO = "type.googleapis.com/google.rpc.RetryInfo";
    private static final String ERROR_INFO = "type.googleapis.com/google.rpc.ErrorInfo";
    // A protobuf Duration in JSON: seconds with up to nine fractional digits and an "s" suffix.
    private static final Pattern PROTO_DURATION = Pattern.compile("(\\d{1,12})(\\.\\d{1,9})?s");
    private static final int MAX_MESSAGE_CHARS = 500;

    /** @param clock the time an HTTP-date {@code retry-after} is measured from */
    GeminiErrorMapper(Optional<ApiKey> key, Clock clock) {
        super(ProviderId.GEMINI, key, clock);
    }

    @Override
    public List<String> headers() {
        return HEADERS;
    }

    @Override
    public boolean classifiesWithoutBody() {
        return true;
    }

    @Override
    protected Optional<LlmFailure> special(int status, Optional<JsonNode> error,
                                           Function<String, Optional<String>> header, String message) {
        if (status != 429 && !error.map(e -> RESOURCE_EXHAUSTED.equals(e.path("status").asText())).orElse(false)) {
            return Optional.empty();
        }
        // Wait hints come from RetryInfo first, then the standard headers; never from the message text
        // ("Please retry in 56.18s" in the fixture is prose, RetryInfo is the API).
        Optional<Duration> wait = error.flatMap(GeminiErrorMapper::retryDelay)
                .or(() -> RetryAfter.parse(header.apply("retry-after-ms"), header.apply("retry-after"),
                        clock().instant()));
        return Optional.of(new RateLimited(ProviderId.GEMINI, wait));
    }

    /**
     * The failure for an {@code error} object inside a 2xx answer (a stream event, or a whole
     * answer): classified by the {@code code} it carries, as if it had been the response status.
     */
    @Override
    public LlmFailure fromStream(JsonNode error) {
        int code = error.path("code").asInt(0);
        if (code == 429 || RESOURCE_EXHAUSTED.equals(error.path("status").asText())) {
            return new RateLimited(ProviderId.GEMINI, retryDelay(error));
        }
        String message = redact(describe(error));
        return code >= 100 && code <= 599
                ? new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(code), message)
                // No status to judge by: an upstream that fails mid-answer is worth another try.
                : new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(200), message, true);
    }

    /** A 2xx answer that is not a usable {@code GenerateContentResponse}: permanent, with its status. */
    @Override
    public LlmFailure malformed(int status, String reason) {
        return new ProviderFailed(ProviderId.GEMINI, OptionalInt.of(status),
                "Gemini answered HTTP " + status + " with " + reason);
    }

    /** The {@code error} object of a body, if the body is a google.rpc.Status envelope (or a list of one). */
    @Override
    protected Optional<JsonNode> errorObject(byte[] body) {
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
    @Override
    protected String describe(JsonNode error) {
        String status = error.path("status").asText("");
        String reason = "";
        for (JsonNode detail : error.path("details")) {
            if (ERROR_INFO.equals(detail.path("@type").asText()) && detail.path("reason").isTextual()) {
                reason = detail.path("reason").asText();
            }
        }
        String message = error.path("message").asText("");
        String head = status + (reason.isEmpty() ? "" : " (" + reason + ")");
        return clip(head.isEmpty() ? message : message.isEmpty() ? head : head + ": " + message);
    }

    @Override
    protected String describeUnreadable(int status, Function<String, Optional<String>> header, byte[] body) {
        return clip(body.length == 0 ? "HTTP " + status : new String(body, StandardCharsets.UTF_8).strip());
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

    private static String clip(String message) {
        return message.length() <= MAX_MESSAGE_CHARS ? message : message.substring(0, MAX_MESSAGE_CHARS) + "...";
    }
}
