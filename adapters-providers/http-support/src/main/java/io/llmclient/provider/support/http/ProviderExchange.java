package io.llmclient.provider.support.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/**
 * The HTTP plumbing of one provider adapter, the same for every provider: send a JSON body on a
 * request the adapter prepared (its URI and its key header), read a whole answer within
 * {@code LLM_MAX_RESPONSE_BYTES}, read a streamed one event by event, and bound a whole
 * {@code complete} by the request timeout. Every failure below HTTP is named by
 * {@link TransportFailure} (so a connect timeout is ProviderTimedOut for every provider), and
 * only the headers the adapter's error mapping reads are kept from a whole answer.
 */
public final class ProviderExchange {
    /** How long {@link #finishStream} waits for the end of a body after its last event. */
    static final Duration DRAIN_TIME = Duration.ofMillis(500);
    /** How much of it {@link #finishStream} reads at most. */
    static final long DRAIN_BYTES = 16 * 1024;

    private final ProviderId provider;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long maxResponseBytes;
    private final List<String> keptHeaders;
    private final WholeCallDeadline wholeCallDeadline;
    private final WholeCallDeadline drainDeadline = new WholeCallDeadline(DRAIN_TIME,
            () -> new UncheckedIOException(new SocketTimeoutException("the rest of a stream did not come")));

    /**
     * @param keptHeaders the lower-case names of the headers {@link #readWhole} keeps
     */
    public ProviderExchange(ProviderId provider, Duration connectTimeout, Duration requestTimeout,
                            long maxResponseBytes, List<String> keptHeaders) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.maxResponseBytes = maxResponseBytes;
        this.keptHeaders = List.copyOf(keptHeaders);
        this.wholeCallDeadline = new WholeCallDeadline(requestTimeout,
                () -> new LlmFailureException(new ProviderTimedOut(provider, requestTimeout)));
    }

    /**
     * Posts {@code body} as JSON on {@code request} with the A2A headers and the request timeout
     * as its socket read timeout, and returns the open response; the caller closes it.
     */
    public HttpClientResponse send(HttpClientRequest request, A2aContext a2a, byte[] body) {
        request.readTimeout(requestTimeout).contentType(MediaTypes.APPLICATION_JSON);
        A2aHeaders.of(a2a).forEach((name, value) -> request.header(HeaderNames.create(name), value));
        try {
            return request.submit(body);
        } catch (RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    /** {@link #send} and {@link #readWhole}, closing the response. */
    public HttpReply exchange(HttpClientRequest request, A2aContext a2a, byte[] body) {
        try (HttpClientResponse response = send(request, a2a, body)) {
            return readWhole(response);
        }
    }

    /** Reads a whole answer (status, kept headers, body); the caller closes the response. */
    public HttpReply readWhole(HttpClientResponse response) {
        Map<String, String> headers = new HashMap<>();
        for (String name : keptHeaders) {
            response.headers().first(HeaderNames.create(name)).ifPresent(value -> headers.put(name, value));
        }
        int status = response.status().code();
        try (InputStream in = response.inputStream()) {
            return new HttpReply(status, headers, ResponseLimit.readAll(in, maxResponseBytes, status));
        } catch (IOException | RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    /** The events of a streamed answer, cut off past the answer limit. */
    public EventStreamReader events(HttpClientResponse response) {
        return new EventStreamReader(ResponseLimit.cap(response.inputStream(), maxResponseBytes,
                response.status().code()), maxResponseBytes);
    }

    /**
     * Reads the rest of a streamed answer after its last event ({@code [DONE]}, {@code message_stop}):
     * usually just the chunked body's terminator. A body read to its end lets Helidon put the
     * connection back in its pool; one left unread closes it, and the next stream would pay for
     * a new connection (a TLS handshake, against a real provider). The load benchmark found every
     * stream on a new connection (issue 11). At most {@link #DRAIN_BYTES} and {@link #DRAIN_TIME}:
     * past either, or on any failure, the response is closed as before.
     */
    public void finishStream(EventStreamReader events) {
        try {
            drainDeadline.call(() -> events.skipRest(DRAIN_BYTES));
        } catch (RuntimeException notReusable) {
            // Only the connection's reuse is lost: closing the response closes it. An interrupt
            // of the caller stays set for it to see.
        }
    }

    /** The next event, empty at the end of the stream; a failure of the reader is a transport failure. */
    public Optional<ServerSentEvent> next(EventStreamReader events) {
        try {
            return events.next();
        } catch (IOException | RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    /**
     * The result of {@code call}, run on this thread and bounded as a whole by the request
     * timeout ({@link WholeCallDeadline}): when the time is up the call is interrupted and the
     * caller gets ProviderTimedOut.
     */
    public <T> T withinRequestTimeout(Callable<T> call) {
        return wholeCallDeadline.call(call);
    }

    /** A failure below HTTP: a timeout, or a connection refused, reset or closed early (see {@link TransportFailure}). */
    public RuntimeException transportFailure(Throwable failure) {
        return TransportFailure.classify(provider, failure, connectTimeout, requestTimeout);
    }

    /** The JSON of a whole 2xx answer; an empty body, or one that is not JSON, is {@link #malformed}. */
    public JsonNode readJson(ObjectMapper json, HttpReply reply) {
        if (reply.body().length == 0) {
            throw malformed(reply.status(), "empty body");
        }
        try {
            return json.readTree(reply.body());
        } catch (IOException notJson) {
            throw malformed(reply.status(), "body is not valid JSON (" + reply.header("content-type")
                    .orElse("no content type") + ", " + reply.body().length + " bytes)");
        }
    }

    /** A 2xx answer whose body cannot be read: permanent, since it will not read better the second time. */
    public LlmFailureException malformed(int status, String reason) {
        return new LlmFailureException(new ProviderFailed(provider, OptionalInt.of(status),
                "malformed response: " + reason, false));
    }
}
