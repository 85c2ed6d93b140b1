package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
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
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.http.ProviderExchange;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;

/**
 * Anthropic Messages ({@code POST {base}/v1/messages}) over one blocking Helidon WebClient.
 *
 * <p>Timeouts: the connect timeout is the client's. A {@code complete} call as a whole is
 * bounded by the request timeout ({@code WholeCallDeadline}): when the time is up, a watchdog
 * interrupts the calling thread (a virtual thread's blocking socket read is interruptible, so the
 * connection closes) and the caller gets ProviderTimedOut. A {@code stream} runs on the caller's
 * thread with the request timeout as the socket read timeout: the longest silence allowed
 * before the headers and between two events (Anthropic sends each event in one write, and
 * {@code ping} events keep a slow but healthy stream alive).
 *
 * <p>A stream ends well only at {@code message_stop}; a body that ends before it is a
 * transient ProviderError without status, since the answer may have been cut short. When the
 * sink throws or the thread is interrupted, the upstream response is closed, which closes its
 * connection (Helidon closes rather than drains a chunked body that was not read to its end).
 */
final class AnthropicProvider implements LlmProvider {
    static final String MESSAGES_PATH = "v1/messages";
    static final String API_VERSION = "2023-06-01";
    private static final HeaderName API_KEY = HeaderNames.create("x-api-key");
    private static final HeaderName ANTHROPIC_VERSION = HeaderNames.create("anthropic-version");
    // The headers the error mapping reads; the rest of an error answer's headers are dropped.
    private static final List<String> KEPT_HEADERS =
            List.of("content-type", "retry-after", "retry-after-ms", "x-should-retry");

    private final boolean enabled;
    private final Optional<ApiKey> apiKey;
    private final URI endpoint;
    private final WebClient client;
    private final ProviderExchange http;
    private final MaxTokensDefaults maxTokens;
    private final ObjectMapper json = WireJson.mapper();
    private final AnthropicErrorMapper errors;

    AnthropicProvider(boolean enabled, Optional<ApiKey> apiKey, URI baseUrl, WebClient client, Duration connectTimeout,
                      Duration requestTimeout, Transport transport, MaxTokensDefaults maxTokens, Clock clock) {
        this.enabled = enabled;
        this.apiKey = apiKey;
        this.endpoint = resolve(baseUrl);
        this.client = client;
        this.http = new ProviderExchange(ProviderId.ANTHROPIC, client, connectTimeout, requestTimeout, transport,
                KEPT_HEADERS);
        this.maxTokens = maxTokens;
        this.errors = new AnthropicErrorMapper(json, apiKey, clock);
    }

    /** {@code https://api.anthropic.com} -> {@code https://api.anthropic.com/v1/messages}, with or without a trailing slash. */
    private static URI resolve(URI baseUrl) {
        String base = baseUrl.toString();
        return URI.create(base.endsWith("/") ? base + MESSAGES_PATH : base + "/" + MESSAGES_PATH);
    }

    @Override
    public ProviderId id() {
        return ProviderId.ANTHROPIC;
    }

    @Override
    public Availability availability() {
        if (!enabled) {
            return Availability.down("switched off by configuration");
        }
        return apiKey.isPresent() ? Availability.up() : Availability.down("no API key (ANTHROPIC_API_KEY)");
    }

    @Override
    public ChatResponse complete(ChatRequest request, CallContext context) {
        ApiKey key = requireKey(context);
        byte[] body = write(body(request, context, false));
        long start = System.nanoTime();
        // The answer's bytes count against the shared budget until it has been mapped.
        try (ResponseBudget.Reservation held = http.reserve()) {
            HttpReply reply = http.exchange(() -> request(key, false), context.a2a(), body, held);
            if (!reply.successful()) {
                throw new LlmFailureException(errors.fromHttp(reply.status(), reply::header, reply.body()));
            }
            return response(readCompletion(reply), context, since(start));
        }
    }

    @Override
    public void stream(ChatRequest request, CallContext context, StreamSink sink) {
        ApiKey key = requireKey(context);
        byte[] body = write(body(request, context, true));
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
                List<StreamEvent> deltas = accept(assembler, event, status);
                if (!opened && assembler.started() && !assembler.done()) {
                    // message_start read well: the stream is accepted.
                    opened = true;
                    sink.opened();
                }
                for (StreamEvent delta : deltas) {
                    // Outside every try: an exception from the sink is the caller's and passes unchanged.
                    sink.accept(delta);
                }
                if (assembler.done()) {
                    ChatResponse done = response(result(assembler, status), context, since(start));
                    sink.accept(new StreamEvent.Completed(done));
                    http.finishStream(events);
                    return;
                }
                if (Thread.currentThread().isInterrupted()) {
                    throw new CancellationException("stream cancelled by the caller");
                }
            }
            throw new LlmFailureException(new ProviderFailed(ProviderId.ANTHROPIC, OptionalInt.empty(),
                    "stream ended before message_stop after " + assembler.events() + " events", true));
        }
    }

    private ObjectNode body(ChatRequest request, CallContext context, boolean stream) {
        return AnthropicRequestMapper.map(request, context.model().providerModel(),
                maxTokens.forModel(context.model().id()), stream);
    }

    private List<StreamEvent> accept(StreamAssembler assembler, ServerSentEvent event, int status) {
        try {
            return assembler.accept(event);
        } catch (WireFormatException malformed) {
            throw http.malformed(status, malformed.getMessage());
        }
    }

    private AnthropicResponseMapper.Completion result(StreamAssembler assembler, int status) {
        try {
            return assembler.result();
        } catch (WireFormatException malformed) {
            throw http.malformed(status, malformed.getMessage());
        }
    }

    private ApiKey requireKey(CallContext context) {
        if (!enabled || apiKey.isEmpty()) {
            throw new LlmFailureException(ProviderUnavailable.forModel(
                    context.model().id(), ProviderId.ANTHROPIC, availability().reason()));
        }
        return apiKey.get();
    }

    /** The POST to the endpoint with the key; {@link ProviderExchange#send} adds the body and the rest. */
    private HttpClientRequest request(ApiKey key, boolean stream) {
        return client.post()
                .uri(endpoint)
                .header(API_KEY, key.value())
                .header(ANTHROPIC_VERSION, API_VERSION)
                .accept(stream ? MediaTypes.TEXT_EVENT_STREAM : MediaTypes.APPLICATION_JSON);
    }

    private AnthropicResponseMapper.Completion readCompletion(HttpReply reply) {
        JsonNode body = http.readJson(json, reply);
        try {
            return AnthropicResponseMapper.completion(body);
        } catch (WireFormatException wrongShape) {
            throw http.malformed(reply.status(), wrongShape.getMessage());
        }
    }

    private ChatResponse response(AnthropicResponseMapper.Completion completion, CallContext context, Duration latency) {
        String providerModel = completion.providerModel().isEmpty()
                ? context.model().providerModel() : completion.providerModel();
        return new ChatResponse(completion.id(), context.model().id(), providerModel, ProviderId.ANTHROPIC,
                completion.content(), completion.toolCalls(), completion.finishReason(), completion.usage(),
                context.a2a().traceId(), latency);
    }

    private byte[] write(ObjectNode body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException impossible) {
            // A tree of JSON values always serialises.
            throw new IllegalStateException(impossible);
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public String toString() {
        return "AnthropicProvider[" + endpoint + ", key " + apiKey.map(ApiKey::masked).orElse("absent") + "]";
    }
}
