package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.provider.support.http.ErrorAnswers;
import io.llmclient.provider.support.http.ShouldRetryHeader;
import io.llmclient.provider.support.json.SharedBufferJson;
import java.time.Clock;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;

/**
 * A provider's error answers -> the failures the contract names. What every provider shares is
 * here: the failure for an HTTP error answer is classified by its status and headers
 * ({@link ErrorAnswers#classify}: 429 is RateLimited with the {@code retry-after-ms} /
 * {@code retry-after} wait unless {@code x-should-retry: false} forbids retrying; every other
 * status is ProviderFailed, transient by the contract's status rule unless {@code x-should-retry}
 * says otherwise), its message is the provider's own minus anything like the key, and a 2xx answer
 * of the wrong shape is a permanent ProviderFailed. What a provider supplies is how its error body
 * reads: how its error object describes itself, how a body without one is named, and what an
 * error inside a 2xx answer (a stream event) means; and where its error object is, when that is
 * not the {@code {"error":{...}}} envelope OpenAI and Anthropic share.
 */
public abstract class ErrorMapper {
    /** The headers the classification reads: the body's type, the wait, and whether to retry. */
    public static final List<String> HEADERS =
            List.of("content-type", "retry-after", "retry-after-ms", ShouldRetryHeader.NAME);

    private static final ObjectMapper JSON = SharedBufferJson.mapperBuilder().build();

    private final ProviderId provider;
    private final Optional<ApiKey> key;
    private final Clock clock;

    /**
     * @param key   removed from every message taken from upstream text
     * @param clock the time an HTTP-date {@code retry-after} is measured from
     */
    protected ErrorMapper(ProviderId provider, Optional<ApiKey> key, Clock clock) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.key = Objects.requireNonNull(key, "key");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * The failure for an HTTP error answer: {@link #special} when the provider has a rule of its
     * own for it, else the classification by status and headers, with the message from the body's
     * error object ({@link #describe}) or, when there is none, a description of the body
     * ({@link #describeUnreadable}), minus the key.
     *
     * @param header looks a response header up by its lower-case name
     */
    public final LlmFailure fromHttp(int status, Function<String, Optional<String>> header, byte[] body) {
        Optional<JsonNode> error = errorObject(body);
        String message = redact(error.map(this::describe).orElseGet(() -> describeUnreadable(status, header, body)));
        return special(status, error, header, message)
                .orElseGet(() -> ErrorAnswers.classify(provider, status, header, message, clock));
    }

    /**
     * The failure for the provider's error object inside a 2xx answer (a stream event): no status
     * describes it, so the object alone decides.
     */
    public abstract LlmFailure fromStream(JsonNode error);

    /** The failure for a 2xx answer of the wrong shape: permanent, since it will not read better the second time. */
    public LlmFailure malformed(int status, String reason) {
        return new ProviderFailed(provider, OptionalInt.of(status), "malformed response: " + reason, false);
    }

    /** The lower-case names of the headers {@link #fromHttp} reads; the rest of an error answer's headers are dropped. */
    public List<String> headers() {
        return HEADERS;
    }

    /**
     * Whether an error answer whose body could not be read in time, or within the limits, is
     * still classified by its status (with an empty body). By default it is not: the failure to
     * read it is the call's failure.
     */
    public boolean classifiesWithoutBody() {
        return false;
    }

    /**
     * The error object of an error answer's body, when the body has the provider's error shape; by
     * default the {@code error} member of a {@code {"error":{...}}} body ({@link ErrorAnswers#errorObject}).
     */
    protected Optional<JsonNode> errorObject(byte[] body) {
        return ErrorAnswers.errorObject(JSON, body);
    }

    /** The message of an error object, as the provider wrote it (the key is removed afterwards). */
    protected abstract String describe(JsonNode error);

    /** The message for an error answer without an error object (empty, HTML from a proxy, ...). */
    protected abstract String describeUnreadable(int status, Function<String, Optional<String>> header, byte[] body);

    /** A provider's own rule for an error answer, before the status decides; by default none. */
    protected Optional<LlmFailure> special(int status, Optional<JsonNode> error,
                                           Function<String, Optional<String>> header, String message) {
        return Optional.empty();
    }

    /** The provider these failures name. */
    protected final ProviderId provider() {
        return provider;
    }

    /** The time an HTTP-date wait is measured from. */
    protected final Clock clock() {
        return clock;
    }

    /** Upstream text minus the key: a provider (or a proxy) may quote it back, whole or half-masked. */
    protected final String redact(String text) {
        return ErrorAnswers.redact(key, text);
    }
}
