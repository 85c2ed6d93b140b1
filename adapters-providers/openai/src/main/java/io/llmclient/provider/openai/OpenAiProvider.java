package io.llmclient.provider.openai;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
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
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.provider.openai.failure.OpenAiErrorMapper;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.http.ProviderExchange;
import io.llmclient.provider.support.json.SharedBufferJson;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;

/**
 * OpenAI Chat Completions ({@code POST {base}/chat/completions}) over one shared, blocking
 * Helidon WebClient.
 *
 * <p>Timeouts: the connect timeout is the client's. A {@code complete} call as a whole is
 * bounded by the request timeout ({@code WholeCallDeadline}): when the time is up, a watchdog
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
    private final ProviderExchange http;
    private final ObjectMapper json;
    private final OpenAiErrorMapper errors;

    OpenAiProvider(boolean enabled, Optional<ApiKey> apiKey, URI baseUrl, WebClient client, Duration connectTimeout,
                   Duration requestTimeout, Clock clock) {
        this(enabled, apiKey, baseUrl, client, connectTimeout, requestTimeout, Transport.defaults(), clock);
    }

    OpenAiProvider(boolean enabled, Optional<ApiKey> apiKey, URI baseUrl, WebClient client, Duration connectTimeout,
                   Duration requestTimeout, Transport transport, Clock clock) {
        this.enabled = enabled;
        this.apiKey = apiKey;
        this.endpoint = resolve(baseUrl);
        this.client = client;
        this.http = new ProviderExchange(ProviderId.OPENAI, client, connectTimeout, requestTimeout, transport,
                KEPT_HEADERS);
        this.json = SharedBufferJson.mapperBuilder().build();
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
        // The answer's bytes count against the shared budget until it has been mapped.
        try (ResponseBudget.Reservation held = http.reserve()) {
            HttpReply reply = http.exchange(() -> request(key, false), context.a2a(), body, held);
            if (!reply.successful()) {
                throw new LlmFailureException(errors.fromHttp(reply.status(), reply::header, reply.body()));
            }
            OpenAiResponseMapper.Completion completion = readCompletion(reply);
            return response(completion, context, Duration.ofNanos(System.nanoTime() - start));
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        ApiKey key = requireKey(context);
        byte[] body = write(OpenAiRequestMapper.map(request, context.model().providerModel(), true));
        long start = System.nanoTime();
        HttpClientResponse response = http.send(() -> request(key, true), context.a2a(), body);
        try (response; ResponseBudget.Reservation held = http.reserve()) {
            int status = response.status().code();
            if (status < 200 || status >= 300) {
                HttpReply reply = http.readWhole(response, held);
                throw new LlmFailureException(errors.fromHttp(reply.status(), reply::header, reply.body()));
            }
            var events = http.events(response, held);
            var assembler = new StreamAssembler(json, errors);
            boolean opened = false;
            for (Optional<ServerSentEvent> next = http.next(events); next.isPresent(); next = http.next(events)) {
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
                    http.finishStream(events);
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
            throw http.malformed(status, malformed.getMessage());
        }
    }

    private ApiKey requireKey(CallContext context) {
        if (!enabled || apiKey.isEmpty()) {
            throw new LlmFailureException(ProviderUnavailable.forModel(
                    context.model().id(), ProviderId.OPENAI, availability().reason()));
        }
        return apiKey.get();
    }

    /** The POST to the endpoint with the key; {@link ProviderExchange#send} adds the body and the rest. */
    private HttpClientRequest request(ApiKey key, boolean stream) {
        return client.post()
                .uri(endpoint)
                .header(HeaderNames.AUTHORIZATION, "Bearer " + key.value())
                .accept(stream ? MediaTypes.TEXT_EVENT_STREAM : MediaTypes.APPLICATION_JSON);
    }

    private OpenAiResponseMapper.Completion readCompletion(HttpReply reply) {
        JsonNode body = http.readJson(json, reply);
        try {
            return OpenAiResponseMapper.completion(body);
        } catch (WireFormatException wrongShape) {
            throw http.malformed(reply.status(), wrongShape.getMessage());
        }
    }

    private ChatResponse response(OpenAiResponseMapper.Completion completion, CallContext context, Duration latency) {
        String providerModel = completion.providerModel().isEmpty()
                ? context.model().providerModel() : completion.providerModel();
        return new ChatResponse(completion.id(), context.model().id(), providerModel, ProviderId.OPENAI,
                completion.content(), completion.toolCalls(), completion.finishReason(), completion.usage(),
                context.a2a().traceId(), latency);
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
