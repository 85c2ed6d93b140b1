package io.llmclient.provider.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.Availability;
import io.llmclient.application.provider.CallContext;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.openai.failure.OpenAiErrorMapper;
import io.llmclient.provider.support.http.A2aHeaders;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.http.ResponseLimit;
import io.llmclient.provider.support.http.TransportFailure;
import io.llmclient.provider.support.http.WholeCallDeadline;
import io.llmclient.provider.support.sse.EventStreamReader;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;

/**
 * OpenAI Chat Completions ({@code POST {base}/chat/completions}) over one shared, blocking
 * Helidon WebClient.
 *
 * <p>Timeouts: the connect timeout is the client's. A {@code complete} call as a whole is
 * bounded by the request timeout ({@link WholeCallDeadline}): when the time is up, a watchdog
 * interrupts the calling thread (which closes its socket) and the caller gets ProviderTimedOut.
 * A {@code stream} runs on the caller's thread, with the request timeout as the socket
 * read timeout: the longest silence allowed before the headers and between two chunks.
 *
 * <p>The sink hears {@link StreamSink#opened()} once the first event has been read well (OpenAI's
 * role-only chunk), before its deltas. A stream ends well only at {@code data: [DONE]}; a body that ends before it is a
 * ProviderError (no status, transient), since the answer may be cut short. When the sink
 * throws or the thread is interrupted, the upstream response is closed, which closes its
 * connection.
 *
 * <p>Tool calling passes through (OpenAI's shapes are the contract's): nothing is refused here;
 * a model that cannot call tools or answer in JSON is refused by OpenAI itself (HTTP 400).
 */
final class OpenAiProvider implements LlmProvider {
    private static final String COMPLETIONS_PATH = "chat/completions";
    // The headers the error mapping reads; the rest of an error answer's headers are dropped.
    private static final List<String> KEPT_HEADERS =
            List.of("content-type", "retry-after", "retry-after-ms", "x-should-retry");

    private final boolean enabled;
    private final Optional<ApiKey> apiKey;
    private final URI endpoint;
    private final WebClient client;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final WholeCallDeadline wholeCallDeadline;
    private final long maxResponseBytes;
    private final ObjectMapper json;
    private final OpenAiErrorMapper errors;

    OpenAiProvider(boolean enabled, Optional<ApiKey> apiKey, URI baseUrl, WebClient client, Duration connectTimeout,
                   Duration requestTimeout, Clock clock) {
        this(enabled, apiKey, baseUrl, client, connectTimeout, requestTimeout, Transport.DEFAULT_MAX_RESPONSE_BYTES, clock);
    }

    OpenAiProvider(boolean enabled, Optional<ApiKey> apiKey, URI baseUrl, WebClient client, Duration connectTimeout,
                   Duration requestTimeout, long maxResponseBytes, Clock clock) {
        this.enabled = enabled;
        this.apiKey = apiKey;
        this.endpoint = resolve(baseUrl);
        this.client = client;
        this.connectTimeout = connectTimeout;
        this.requestTimeout = requestTimeout;
        this.wholeCallDeadline = new WholeCallDeadline(requestTimeout,
                () -> new LlmFailureException(new ProviderTimedOut(ProviderId.OPENAI, requestTimeout)));
        this.maxResponseBytes = maxResponseBytes;
        this.json = new ObjectMapper();
        this.errors = new OpenAiErrorMapper(json, apiKey, clock);
    }

    /** {@code https://api.openai.com/v1} -> {@code https://api.openai.com/v1/chat/completions}, with or without a trailing slash. */
    private static URI resolve(URI baseUrl) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + COMPLETIONS_PATH : base + "/" + COMPLETIONS_PATH);
    }

    @Override
    public ProviderId id() {
        return ProviderId.OPENAI;
    }

    @Override
    public Availability availability() {
        if (!enabled) {
            return Availability.down("switched off by configuration");
        }
        return apiKey.isPresent() ? Availability.up() : Availability.down("no API key (OPENAI_API_KEY)");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        ApiKey key = requireKey(context);
        byte[] body = write(OpenAiRequestMapper.map(request, context.model().providerModel(), false));
        long start = System.nanoTime();
        HttpReply reply = withinRequestTimeout(() -> exchange(key, context, body));
        if (!reply.successful()) {
            throw new LlmFailureException(errors.fromHttp(reply.status(), reply::header, reply.body()));
        }
        OpenAiResponseMapper.Completion completion = readCompletion(reply);
        return response(completion, context, Duration.ofNanos(System.nanoTime() - start));
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        ApiKey key = requireKey(context);
        byte[] body = write(OpenAiRequestMapper.map(request, context.model().providerModel(), true));
        long start = System.nanoTime();
        HttpClientResponse response = send(key, context, body, true);
        try (response) {
            int status = response.status().code();
            if (status < 200 || status >= 300) {
                HttpReply reply = readWhole(response);
                throw new LlmFailureException(errors.fromHttp(reply.status(), reply::header, reply.body()));
            }
            var events = new EventStreamReader(ResponseLimit.cap(response.inputStream(), maxResponseBytes, status),
                    maxResponseBytes);
            var assembler = new StreamAssembler(json, errors);
            boolean opened = false;
            for (Optional<ServerSentEvent> next = nextEvent(events); next.isPresent(); next = nextEvent(events)) {
                ServerSentEvent event = next.get();
                // Outside every try: an exception from the sink is the caller's and passes unchanged.
                List<StreamEvent> deltas = acceptChunk(assembler, event, status);
                if (!opened && !assembler.done()) {
                    // The first event (the role-only chunk) read well: the stream is accepted.
                    opened = true;
                    sink.opened();
                }
                for (StreamEvent delta : deltas) {
                    sink.accept(delta);
                }
                if (assembler.done()) {
                    ChatResponse done = response(assembler.result(), context, Duration.ofNanos(System.nanoTime() - start));
                    sink.accept(new StreamEvent.Completed(done));
                    return;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("stream cancelled by the caller");
                }
            }
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(),
                    "stream ended before data: [DONE] after " + assembler.events() + " events", true));
        }
    }

    private List<StreamEvent> acceptChunk(StreamAssembler assembler, ServerSentEvent event, int status) {
        try {
            return assembler.accept(event);
        } catch (WireFormatException malformed) {
            throw malformed(status, malformed.getMessage());
        }
    }

    private Optional<ServerSentEvent> nextEvent(EventStreamReader events) {
        try {
            return events.next();
        } catch (IOException | RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    private ApiKey requireKey(CallContext context) {
        if (!enabled || apiKey.isEmpty()) {
            throw new LlmFailureException(ProviderUnavailable.forModel(
                    context.model().id(), ProviderId.OPENAI, availability().reason()));
        }
        return apiKey.get();
    }

    /** Sends the request and reads the whole answer; runs on the worker thread of {@link #complete}. */
    private HttpReply exchange(ApiKey key, CallContext context, byte[] body) {
        try (HttpClientResponse response = send(key, context, body, false)) {
            return readWhole(response);
        }
    }

    private HttpClientResponse send(ApiKey key, CallContext context, byte[] body, boolean stream) {
        HttpClientRequest request = client.post()
                .uri(endpoint)
                .readTimeout(requestTimeout)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + key.value())
                .contentType(MediaTypes.APPLICATION_JSON)
                .accept(stream ? MediaTypes.TEXT_EVENT_STREAM : MediaTypes.APPLICATION_JSON);
        A2aHeaders.of(context.a2a()).forEach((name, value) -> request.header(HeaderNames.create(name), value));
        try {
            return request.submit(body);
        } catch (RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    private HttpReply readWhole(HttpClientResponse response) {
        Map<String, String> headers = new HashMap<>();
        for (String name : KEPT_HEADERS) {
            response.headers().first(HeaderNames.create(name)).ifPresent(value -> headers.put(name, value));
        }
        int status = response.status().code();
        try (InputStream in = response.inputStream()) {
            return new HttpReply(status, headers, ResponseLimit.readAll(in, maxResponseBytes, status));
        } catch (IOException | RuntimeException failure) {
            throw transportFailure(failure);
        }
    }

    private OpenAiResponseMapper.Completion readCompletion(HttpReply reply) {
        if (reply.body().length == 0) {
            throw malformed(reply.status(), "empty body");
        }
        try {
            return OpenAiResponseMapper.completion(json.readTree(reply.body()));
        } catch (IOException notJson) {
            throw malformed(reply.status(), "body is not valid JSON (" + reply.header("content-type")
                    .orElse("no content type") + ", " + reply.body().length + " bytes)");
        } catch (WireFormatException wrongShape) {
            throw malformed(reply.status(), wrongShape.getMessage());
        }
    }

    private ChatResponse response(OpenAiResponseMapper.Completion completion, CallContext context, Duration latency) {
        String providerModel = completion.providerModel().isEmpty()
                ? context.model().providerModel() : completion.providerModel();
        return new ChatResponse(completion.id(), context.model().id(), providerModel, ProviderId.OPENAI,
                completion.content(), completion.toolCalls(), completion.finishReason(), completion.usage(),
                context.a2a().traceId(), latency);
    }

    private static LlmFailureException malformed(int status, String reason) {
        // A 2xx whose body we cannot read will not read better the second time.
        return new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(status),
                "malformed response: " + reason, false));
    }

    /** A failure below HTTP: a timeout, or a connection refused, reset or closed early. */
    private RuntimeException transportFailure(Throwable failure) {
        return TransportFailure.classify(ProviderId.OPENAI, failure, connectTimeout, requestTimeout);
    }

    /** Runs {@code call} on this thread, bounded as a whole by the request timeout. */
    private HttpReply withinRequestTimeout(Callable<HttpReply> call) {
        return wholeCallDeadline.call(call);
    }

    private byte[] write(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException impossible) {
            // A tree of plain JSON values (strings, numbers, booleans, null, arrays, objects) always serialises.
            throw new IllegalStateException(impossible);
        }
    }

    @Override
    public String toString() {
        return "OpenAiProvider[" + endpoint + ", key " + apiKey.map(ApiKey::masked).orElse("absent") + "]";
    }
}
