package io.llmclient.provider.support.http;

import io.helidon.common.media.type.MediaTypes;
import io.helidon.common.uri.UriInfo;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.deadline.WholeCallDeadline;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The HTTP plumbing of one provider adapter, the same for every provider: send a JSON body on a
 * request the adapter prepared (its URI and its key header), read a whole answer within
 * {@code LLM_MAX_RESPONSE_BYTES}, read a streamed one event by event, and bound a whole
 * {@code complete} by the request timeout. Every failure below HTTP is named by
 * {@link TransportFailure} (so a connect timeout is ProviderTimedOut for every provider), and
 * only the headers the adapter's error mapping reads are kept from a whole answer.
 *
 * <p>Requests go out on the adapter's kept-alive connections to its host ({@link UpstreamConnections});
 * one that fails on a reused connection before any answer came back is sent once more on a new one.
 *
 * <p>On a virtual thread (every request in the service) the sockets have no read timeout: a
 * blocking read with one parks the virtual thread with a timer, armed and cancelled on every
 * read, which the load benchmark measured as one of the largest costs per request and per
 * streamed event (see docs/decisions.md, 'Our own kept-alive provider connections, no socket
 * timers'). Each wait for the provider (the answer's headers, a whole body, the
 * next event) is bounded by {@link WholeCallDeadline} instead: a watchdog interrupts a wait that
 * passed the request timeout, which closes its socket. Either way the request timeout is the
 * longest silence allowed.
 *
 * <p>What an answer buffers counts against the budget every call of the service shares
 * ({@link ResponseBudget}, {@code LLM_RESPONSE_BUFFER_BYTES}): the adapter opens a reservation per
 * call with {@link #reserve()}, passes it to {@link #exchange}, {@link #readWhole} and
 * {@link #events}, and closes it when its call ends, after it has mapped the answer. A whole body
 * takes its declared length before it is read, or its bytes as they arrive; a stream takes only
 * what an outsized event holds (see {@link EventStreamReader}), since its events are handed on one
 * at a time. Bytes that do not fit end the call with OverloadedError.
 */
public final class ProviderExchange {
    /** How long {@link #finishStream} waits for the end of a body after its last event. */
    static final Duration DRAIN_TIME = Duration.ofMillis(500);
    /** How much of it {@link #finishStream} reads at most. */
    static final long DRAIN_BYTES = 16 * 1024;

    private static final Duration NO_SOCKET_TIMEOUT = Duration.ZERO;

    private final ProviderId provider;
    private final WebClient client;
    private final Map<String, UpstreamConnections> connections = new ConcurrentHashMap<>();
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final long maxResponseBytes;
    private final ResponseBudget budget;
    private final List<String> keptHeaders;
    private final WholeCallDeadline wholeCallDeadline;
    private final WholeCallDeadline drainDeadline = new WholeCallDeadline(DRAIN_TIME,
            () -> new UncheckedIOException(new SocketTimeoutException("the rest of a stream did not come")));

    /**
     * @param client      the adapter's client ({@link ProviderClients}): every request sent here is built by it
     * @param transport   the answer limit ({@code LLM_MAX_RESPONSE_BYTES}) and the service's shared budget
     * @param keptHeaders the lower-case names of the headers {@link #readWhole} keeps
     */
    public ProviderExchange(ProviderId provider, WebClient client, Duration connectTimeout, Duration requestTimeout,
                            Transport transport, List<String> keptHeaders) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.client = Objects.requireNonNull(client, "client");
        this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
        this.requestTimeout = Objects.requireNonNull(requestTimeout, "requestTimeout");
        this.maxResponseBytes = transport.maxResponseBytes();
        this.budget = transport.responseBudget();
        this.keptHeaders = List.copyOf(keptHeaders);
        this.wholeCallDeadline = new WholeCallDeadline(requestTimeout,
                () -> new LlmFailureException(new ProviderTimedOut(provider, requestTimeout)));
    }

    /**
     * Posts {@code body} as JSON on the request {@code request} builds, with the A2A headers, and
     * returns the open response once its headers have come, within the request timeout; the caller
     * closes it. {@code request} is asked again for the one resend on a new connection.
     */
    public HttpClientResponse send(Supplier<Http1ClientRequest> request, A2aContext a2a, byte[] body) {
        return wholeCallDeadline.call(() -> sendOnKeptConnection(request, a2a, body));
    }

    private HttpClientResponse sendOnKeptConnection(Supplier<Http1ClientRequest> request, A2aContext a2a, byte[] body) {
        Http1ClientRequest first = request.get();
        UpstreamConnections upstream = connectionsTo(first.resolvedUri());
        UpstreamConnections.Lease lease = connect(upstream::acquire);
        try {
            return submit(first, lease.connection(), a2a, body);
        } catch (RuntimeException failure) {
            lease.connection().closeResource();
            if (!lease.reused() || Thread.currentThread().isInterrupted()) {
                throw transportFailure(failure);
            }
        }
        // The provider closed the kept-alive connection while it sat idle: nothing was answered,
        // so the request goes once more on a new connection.
        TcpClientConnection fresh = connect(upstream::open);
        try {
            return submit(request.get(), fresh, a2a, body);
        } catch (RuntimeException failure) {
            fresh.closeResource();
            throw transportFailure(failure);
        }
    }

    private HttpClientResponse submit(Http1ClientRequest request, TcpClientConnection connection, A2aContext a2a,
                                      byte[] body) {
        request.connection(connection).readTimeout(socketTimeout()).contentType(MediaTypes.APPLICATION_JSON)
                .header(HeaderValues.CONNECTION_KEEP_ALIVE);
        A2aHeaders.of(a2a).forEach((name, value) -> request.header(HeaderNames.create(name), value));
        return request.submit(body);
    }

    // On a virtual thread the watchdog bounds every wait (see the class comment). A platform thread's
    // blocking read cannot be interrupted, but its socket timeout costs nothing extra: it keeps one.
    private Duration socketTimeout() {
        return Thread.currentThread().isVirtual() ? NO_SOCKET_TIMEOUT : requestTimeout;
    }

    private <T> T connect(Supplier<T> connection) {
        try {
            return connection.get();
        } catch (RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    private UpstreamConnections connectionsTo(UriInfo target) {
        return connections.computeIfAbsent(target.scheme() + "://" + target.authority(),
                ignored -> new UpstreamConnections(client, target.scheme(), target.host(), target.port()));
    }

    /**
     * An empty reservation of the shared budget for one call. The adapter closes it when the call
     * ends, whichever way (try-with-resources), after the answer it holds has been mapped.
     */
    public ResponseBudget.Reservation reserve() {
        return budget.open();
    }

    /**
     * {@link #send} and {@link #readWhole}, closing the response, bounded as a whole by the request
     * timeout ({@link WholeCallDeadline}): when the time is up the call is interrupted and the
     * caller gets ProviderTimedOut, however the answer trickled in. The body is held in {@code held}.
     */
    public HttpReply exchange(Supplier<Http1ClientRequest> request, A2aContext a2a, byte[] body,
                              ResponseBudget.Reservation held) {
        return wholeCallDeadline.call(() -> {
            try (HttpClientResponse response = sendOnKeptConnection(request, a2a, body)) {
                return readAll(response, held);
            }
        });
    }

    /**
     * Reads a whole answer (status, kept headers, body) within the request timeout, its body held
     * in {@code held}; the caller closes the response.
     */
    public HttpReply readWhole(HttpClientResponse response, ResponseBudget.Reservation held) {
        return wholeCallDeadline.call(() -> readAll(response, held));
    }

    private HttpReply readAll(HttpClientResponse response, ResponseBudget.Reservation held) {
        Map<String, String> headers = new HashMap<>();
        for (String name : keptHeaders) {
            response.headers().first(HeaderNames.create(name)).ifPresent(value -> headers.put(name, value));
        }
        int status = response.status().code();
        try (InputStream in = response.inputStream()) {
            return new HttpReply(status, headers, ResponseLimit.readAll(in, maxResponseBytes, status,
                    response.headers().contentLength(), held));
        } catch (IOException | RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    /**
     * The events of a streamed answer, cut off past the answer limit; an outsized event is held in
     * {@code held} until the next event is asked for.
     */
    public EventStreamReader events(HttpClientResponse response, ResponseBudget.Reservation held) {
        return new EventStreamReader(ResponseLimit.cap(response.inputStream(), maxResponseBytes,
                response.status().code()), maxResponseBytes, bytes -> {
                    if (bytes == 0) {
                        held.release();
                    } else if (bytes > held.held() && !held.grow(bytes - held.held())) {
                        throw new ResponseLimit.OverBudget(held.capacity());
                    }
                });
    }

    /**
     * Reads the rest of a streamed answer after its last event ({@code [DONE]}, {@code message_stop}):
     * usually just the chunked body's terminator. A body read to its end lets Helidon put the
     * connection back in its pool; one left unread closes it, and the next stream would pay for
     * a new connection (a TLS handshake, against a real provider). The load benchmark found every
     * stream on a new connection. At most {@link #DRAIN_BYTES} and {@link #DRAIN_TIME}:
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

    /**
     * The next event, empty at the end of the stream, within the request timeout (the longest
     * silence allowed between two events); a failure of the reader is a transport failure.
     */
    public Optional<ServerSentEvent> next(EventStreamReader events) {
        try {
            return wholeCallDeadline.call(events::next);
        } catch (RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    /** A failure below HTTP: a timeout, or a connection refused, reset or closed early (see {@link TransportFailure}). */
    private RuntimeException transportFailure(Throwable failure) {
        return TransportFailure.classify(provider, failure, connectTimeout, requestTimeout);
    }
}
