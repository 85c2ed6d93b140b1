package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.helidon.webclient.http1.Http1ClientRequest;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.http.ProviderClients;
import io.llmclient.provider.support.http.ProviderExchange;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;

/**
 * The one {@link LlmProvider} of every HTTP provider adapter: the call, the stream loop and the
 * failures are the same for all of them; each provider module supplies only its wire
 * ({@link ProviderParts}: request mapper, response mapper, stream decoder, error mapper), and its
 * factory builds this with them.
 *
 * <p>Availability: down when switched off by configuration, or without a key (naming the key's
 * variable). Such a provider builds no HTTP client and refuses every call with ProviderUnavailable
 * before anything is sent.
 *
 * <p>Sending and reading are {@link ProviderExchange}'s: a kept-alive connection per upstream host,
 * the A2A headers, {@code LLM_MAX_RESPONSE_BYTES} and the shared response budget, and the request
 * timeout as the bound of a whole {@code complete} and of every wait in a {@code stream} (before
 * the headers and between two events). Every failure below HTTP is named by
 * {@link io.llmclient.provider.support.http.TransportFailure}.
 *
 * <p>A stream's sink hears {@link StreamSink#opened()} once the provider accepted the stream
 * ({@link StreamDecoder#accepted()}), then each text delta and tool-call fragment as its event is
 * read, then one {@code Completed}. Deltas are handed on with {@link StreamSink#accept(StreamEvent, boolean)}
 * and a {@link StreamSink#flush()} once no whole event is left in what was read, so a burst that came
 * in one read leaves in one write, and nothing handed on waits for the network (decision 38). It
 * ends well at the provider's last event ({@link StreamDecoder#done()}; the rest of the body is then
 * read so that the connection can be reused), or at the end of the body, or after a silence, once
 * the answer is whole
 * ({@link StreamDecoder#whole()}); a body that ends before is a transient ProviderFailed without
 * status, since the answer may have been cut short. An exception from the sink passes unchanged;
 * an interrupted thread gets {@link CancellationException}. Either way the upstream response is
 * closed, which closes its connection: Helidon closes, rather than drains, a body not read to its end.
 *
 * <p>A 2xx answer of the wrong shape ({@link WireFormatException} from a part) is the provider's
 * {@link ErrorMapper#malformed} failure; an error answer is {@link ErrorMapper#fromHttp}.
 */
public final class HttpProvider implements LlmProvider {
    private final ProviderParts parts;
    private final boolean enabled;
    private final Optional<ApiKey> apiKey;
    private final Optional<Upstream> upstream;

    /** What calling the upstream takes; there is none when the provider cannot be called. */
    private record Upstream(ApiKey key, Http1Client client, ProviderExchange http) {
        Http1ClientRequest request(RequestMapper requests, Map<String, String> forwarded, CallContext context,
                                   boolean stream) {
            Http1ClientRequest request = requests.request(client, key, context, stream);
            forwarded.forEach(
                    (name, value) -> request.header(HeaderNames.create(name), value));
            // The attempt's span (traceparent, tracestate), last: no forwarded header may stand in for it.
            context.traceHeaders().forEach((name, value) -> request.header(HeaderNames.create(name), value));
            return request;
        }
    }

    /**
     * A provider for {@code baseUrl} with the settings' switch, key, timeouts and transport rules.
     *
     * @throws IllegalArgumentException when the provider can be called and {@code baseUrl} is plain
     *                                  http to a host that is not loopback and insecure http is not
     *                                  allowed ({@link ProviderClients#create})
     */
    public HttpProvider(ProviderSettings settings, URI baseUrl, ProviderParts parts) {
        this.parts = Objects.requireNonNull(parts, "parts");
        this.enabled = settings.enabled();
        this.apiKey = settings.apiKey();
        this.upstream = enabled ? apiKey.map(key -> upstream(key, baseUrl, settings)) : Optional.empty();
    }

    private Upstream upstream(ApiKey key, URI baseUrl, ProviderSettings settings) {
        // TLS 1.2+ with the host name checked; no redirects, which would carry the key header along.
        WebClient client = ProviderClients.create(baseUrl, settings);
        // HTTP/1.1 named: a request of the generic client finds its protocol anew every time, through
        // a cache keyed by the endpoint and its TLS settings (4 % of the CPU per request, session 14).
        return new Upstream(key, client.client(Http1Client.PROTOCOL), new ProviderExchange(parts.id(), client,
                settings.connectTimeout(), settings.requestTimeout(), settings.transport(), parts.errors().headers()));
    }

    // Headers the caller meant for this provider only (ForwardedHeaders); others never see them.
    private Map<String, String> forwarded(ChatRequest request) {
        return request.forwarded().forProvider(parts.id());
    }

    @Override
    public ProviderId id() {
        return parts.id();
    }

    @Override
    public Availability availability() {
        if (!enabled) {
            return Availability.down("switched off by configuration");
        }
        return apiKey.isPresent() ? Availability.up() : Availability.down("no API key (" + parts.keyVariable() + ")");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        Upstream to = upstream(context);
        byte[] body = write(parts.requests().body(request, context, false));
        long start = System.nanoTime();
        // The answer's bytes count against the shared budget until it has been mapped.
        try (ResponseBudget.Reservation held = to.http().reserve()) {
            HttpReply reply = to.http().exchange(() -> to.request(parts.requests(), forwarded(request), context, false), context.a2a(),
                    body, held);
            if (!reply.successful()) {
                throw new LlmFailureException(parts.errors().fromHttp(reply.status(), reply::header, reply.body()));
            }
            return response(completion(reply), context, start);
        }
    }

    @Override
    public OptionalInt countTokens(ChatRequest request, CallContext context) {
        if (parts.counting().isEmpty()) {
            return OptionalInt.empty();
        }
        TokenCounting counting = parts.counting().get();
        Upstream to = upstream(context);
        byte[] body = write(counting.body(request, context));
        Map<String, String> forwarded = forwarded(request);
        try (ResponseBudget.Reservation held = to.http().reserve()) {
            HttpReply reply = to.http().exchange(() -> {
                Http1ClientRequest post = counting.request(to.client(), to.key(), context);
                forwarded.forEach((name, value) -> post.header(HeaderNames.create(name), value));
                return post;
            }, context.a2a(), body, held);
            if (!reply.successful()) {
                throw new LlmFailureException(parts.errors().fromHttp(reply.status(), reply::header, reply.body()));
            }
            try {
                return OptionalInt.of(counting.inputTokens(reply));
            } catch (WireFormatException malformed) {
                throw malformed(reply.status(), malformed);
            }
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        Upstream to = upstream(context);
        byte[] body = write(parts.requests().body(request, context, true));
        long start = System.nanoTime();
        ProviderExchange http = to.http();
        HttpClientResponse response = http.send(() -> to.request(parts.requests(), forwarded(request), context, true), context.a2a(), body);
        try (response; ResponseBudget.Reservation held = http.reserve()) {
            int status = response.status().code();
            if (status < 200 || status >= 300) {
                throw new LlmFailureException(errorAnswer(http, response, status, held));
            }
            EventStreamReader events = http.events(response, held);
            var assembler = new StreamAssembler(parts.streams().get(), parts.errors());
            boolean opened = false;
            boolean unflushed = false;
            Usage reported = Usage.ZERO;
            for (Optional<ServerSentEvent> next = next(http, events, assembler); next.isPresent();
                 next = next(http, events, assembler)) {
                List<StreamEvent> deltas = accept(assembler, next.get(), status);
                if (!opened && assembler.accepted()) {
                    opened = true;
                    sink.opened();
                }
                Usage soFar = assembler.reportedSoFar();
                if (!soFar.equals(reported)) {
                    reported = soFar;
                    sink.usage(soFar);
                }
                for (StreamEvent delta : deltas) {
                    // Outside every try: an exception from the sink is the caller's and passes unchanged.
                    // Held by the sink (not flushed) until no whole event is left at hand: see flush below.
                    sink.accept(delta, true);
                    unflushed = true;
                }
                if (assembler.done()) {
                    if (unflushed) {
                        // Reading the rest of the body may wait: the last deltas go out first.
                        sink.flush();
                    }
                    sink.accept(new StreamEvent.Completed(response(result(assembler, status), context, start)));
                    http.finishStream(events);
                    return;
                }
                if (unflushed && !events.eventAtHand()) {
                    // The next read may wait for the network: what the sink holds goes out first.
                    sink.flush();
                    unflushed = false;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("stream cancelled by the caller");
                }
            }
            if (unflushed) {
                sink.flush();
            }
            if (!assembler.whole()) {
                throw new LlmFailureException(new ProviderFailed(parts.id(), OptionalInt.empty(),
                        assembler.endedEarly(), true));
            }
            sink.accept(new StreamEvent.Completed(response(result(assembler, status), context, start)));
        }
    }

    private Upstream upstream(CallContext context) {
        return upstream.orElseThrow(() -> new LlmFailureException(
                ProviderUnavailable.forModel(context.model().id(), parts.id(), availability().reason())));
    }

    /** The failure of a stream refused with an error status. */
    private LlmFailure errorAnswer(ProviderExchange http, HttpClientResponse response, int status,
                                   ResponseBudget.Reservation held) {
        HttpReply reply;
        try {
            reply = http.readWhole(response, held);
        } catch (RuntimeException unreadable) {
            if (!parts.errors().classifiesWithoutBody()) {
                throw unreadable;
            }
            reply = new HttpReply(status, Map.of(), new byte[0]);
        }
        return parts.errors().fromHttp(status, reply::header, reply.body());
    }

    /** The next event, empty at the end of the body; a silence after a whole answer also ends it. */
    private static Optional<ServerSentEvent> next(ProviderExchange http, EventStreamReader events,
                                                  StreamAssembler assembler) {
        try {
            return http.next(events);
        } catch (LlmFailureException failure) {
            // Only the reader runs in this try: whatever it throws is about the connection, never the sink.
            if (failure.failure() instanceof ProviderTimedOut && assembler.whole()) {
                return Optional.empty();
            }
            throw failure;
        }
    }

    private List<StreamEvent> accept(StreamAssembler assembler, ServerSentEvent event, int status) {
        try {
            return assembler.accept(event);
        } catch (WireFormatException malformed) {
            throw malformed(status, malformed);
        }
    }

    private Completion result(StreamAssembler assembler, int status) {
        try {
            return assembler.result();
        } catch (WireFormatException malformed) {
            throw malformed(status, malformed);
        }
    }

    private Completion completion(HttpReply reply) {
        try {
            return parts.responses().completion(reply);
        } catch (WireFormatException malformed) {
            throw malformed(reply.status(), malformed);
        }
    }

    private LlmFailureException malformed(int status, WireFormatException malformed) {
        return new LlmFailureException(parts.errors().malformed(status, malformed.getMessage()));
    }

    private ChatResponse response(Completion completion, CallContext context, long startNanos) {
        return completion.response(parts.id(), context, Duration.ofNanos(System.nanoTime() - startNanos));
    }

    private byte[] write(ObjectNode body) {
        try {
            return parts.json().writeValueAsBytes(body);
        } catch (JsonProcessingException impossible) {
            // A tree of plain JSON values (strings, numbers, booleans, null, arrays, objects) always serialises.
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public String toString() {
        return "HttpProvider[" + parts.id() + ", " + parts.requests().endpoint() + ", key "
                + apiKey.map(ApiKey::masked).orElse("absent") + "]";
    }
}
