package io.llmclient.inbound.openai;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.service.ModelListing;
import io.llmclient.application.service.PreparedRequest;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.body.ReadBody;
import io.llmclient.inbound.support.disconnect.ClientDisconnects;
import io.llmclient.inbound.support.sse.OpenStreams;
import io.llmclient.inbound.support.auth.Callers;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.context.GatewayOverhead;
import java.time.Clock;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The OpenAI-compatible surface (contract sections 5 and 9): {@code POST /v1/chat/completions},
 * streamed or not, {@code GET /v1/models} and {@code GET /v1/models/{model}}, so that the
 * official OpenAI SDKs work against the service given only its base URL ({@code .../v1}).
 * It translates to the same {@link LlmService} calls as JSON-RPC, so requests count in the same
 * metrics series.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>It lives in the JSON-RPC adapter module, as a sub-package: it is the same inbound HTTP
 *       adapter (STYLE section 1) and shares the hardened JSON codec, the body limit, the A2A
 *       header reader and the SSE writer; the architecture rules for inbound adapters cover it
 *       without a new module.</li>
 *   <li>How OpenAI request fields map to the service's params: {@link ChatCompletionRequest}.
 *       Errors and their statuses: {@link OpenAiErrors}.</li>
 *   <li>The A2A context comes from the {@code X-Trace-Id}, {@code X-Source-Agent} and
 *       {@code X-Session-Id} headers only: OpenAI's body has no place for it. Every response,
 *       streams included, carries the trace id as {@code X-Trace-Id}.</li>
 *   <li>{@code /v1/models} lists every allowed model, available now or not (whose calls get 503
 *       {@code provider_unavailable}); {@code created} is the service's start.</li>
 *   <li>Any other path under {@code /v1} is 404 in OpenAI's error shape ({@code unknown_url}).</li>
 *   <li>A completion whose provider reports finish reason {@code error} is a 502 here: that
 *       reason exists only in JSON-RPC results (contract section 9).</li>
 *   <li>A client that closes its connection while its non-streamed completion waits cancels it
 *       (no retry), and the connection is closed without an answer ({@link ClientDisconnects},
 *       decision 22); a stream notices at its next write or keep-alive.</li>
 * </ul>
 */
public final class OpenAiCompatibleEndpoint implements HttpService {
    private static final System.Logger LOG = System.getLogger(OpenAiCompatibleEndpoint.class.getName());
    /** What a non-streamed answer cost the caller, in USD (contract section 10). */
    private static final HeaderName COST = HeaderNames.create("X-Gateway-Cost-Usd");

    private final LlmService service;
    private final long serviceStart;
    private final Clock clock;
    private final JsonCodec codec;
    private final OpenAiShapes shapes;
    private final Replies replies;
    private final OpenAiStream streams;
    private final ClientDisconnects disconnects;

    /** {@code serviceStart} is given as every model's {@code created}. */
    public OpenAiCompatibleEndpoint(LlmService service, InboundLimits limits, Instant serviceStart) {
        this(service, limits, serviceStart, Clock.systemUTC(), new OpenStreams());
    }

    /** As above, with the clock that dates each completion's {@code created}. */
    public OpenAiCompatibleEndpoint(LlmService service, InboundLimits limits, Instant serviceStart, Clock clock) {
        this(service, limits, serviceStart, clock, new OpenStreams());
    }

    /**
     * As above, its streams listed in {@code openStreams}, which a drain ends when its grace is
     * over.
     */
    public OpenAiCompatibleEndpoint(LlmService service, InboundLimits limits, Instant serviceStart, Clock clock,
                                    OpenStreams openStreams) {
        this(service, limits, serviceStart, clock, openStreams, ClientDisconnects.off());
    }

    /** As above, cancelling the completion of a client that closes its connection as {@code disconnects} notices. */
    public OpenAiCompatibleEndpoint(LlmService service, InboundLimits limits, Instant serviceStart, Clock clock,
                                    OpenStreams openStreams, ClientDisconnects disconnects) {
        this.disconnects = Objects.requireNonNull(disconnects, "disconnects");
        this.service = Objects.requireNonNull(service, "service");
        Objects.requireNonNull(limits, "limits");
        this.serviceStart = serviceStart.getEpochSecond();
        this.clock = Objects.requireNonNull(clock, "clock");
        this.codec = new JsonCodec(limits.maxRequestBytes());
        this.shapes = new OpenAiShapes(codec.nodes());
        this.replies = new Replies(codec);
        this.streams = new OpenAiStream(service, codec, replies, clock, limits, openStreams);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/v1/chat/completions", this::chat)
                .get("/v1/models", this::models)
                .get("/v1/models/{model}", this::model)
                .any("/v1", this::unknown)
                .any("/v1/*", this::unknown);
    }

    private void chat(ServerRequest req, ServerResponse res) {
        RequestTimer arrived = service.arrival();
        A2aContext fromHeaders = context(req, res);
        byte[] body = ReadBody.of(req);
        try {
            answer(req, res, body, fromHeaders, arrived);
        } catch (CloseConnectionException clientGone) {
            // Its client left while its completion waited: nobody to answer (ClientDisconnects).
            throw clientGone;
        } catch (CancellationException cancelled) {
            // Interrupted otherwise: the server is stopping.
            LOG.log(System.Logger.Level.DEBUG, "/v1/chat/completions cancelled (trace_id {0})", fromHeaders.traceId());
            if (!res.isSent()) {
                replies.error(res, OpenAiErrors.internal());
            }
        } catch (RuntimeException bug) {
            // The message may quote anything, a key included: only the class is logged.
            LOG.log(System.Logger.Level.ERROR, "internal error at /v1/chat/completions (trace_id {0}): {1}",
                    fromHeaders.traceId(), bug.getClass().getName());
            if (!res.isSent()) {
                replies.error(res, OpenAiErrors.internal());
            }
        }
    }

    private void answer(ServerRequest req, ServerResponse res, byte[] body, A2aContext fromHeaders,
                        RequestTimer arrived) {
        Caller caller = Callers.of(req, service.governance());
        JsonNode json = switch (codec.parse(body)) {
            case JsonCodec.Parsed.NotJson notJson -> {
                replies.error(res, OpenAiErrors.invalidJson(notJson.reason()));
                yield null;
            }
            case JsonCodec.Parsed.Json parsed -> parsed.value();
        };
        if (json == null) {
            rateLimits(res, caller);
            return;
        }
        if (!json.isObject()) {
            rateLimits(res, caller);
            replies.error(res, OpenAiErrors.invalidJson("the body must be a JSON object"));
            return;
        }
        ChatCompletionRequest request;
        PreparedRequest prepared;
        try {
            request = ChatCompletionRequest.read(json);
        } catch (LlmFailureException refused) {
            rateLimits(res, caller);
            replies.error(res, OpenAiErrors.of(refused.failure()));
            return;
        }
        try {
            prepared = service.prepare(request.params(), fromHeaders, arrived, caller);
        } catch (LlmFailureException refused) {
            rateLimits(res, caller);
            replies.error(res, OpenAiErrors.of(request.named(refused.failure())));
            return;
        }
        if (RateLimitHeaders.apply(caller.principal())) {
            RateLimitHeaders.write(res, caller.principal(), prepared.ticket().standings());
        }
        if (request.stream()) {
            streams.run(req, res, prepared, request);
            return;
        }
        ChatResponse response;
        try {
            response = disconnects.whileWaiting(req, () -> service.complete(prepared));
        } catch (LlmFailureException failed) {
            overheadHeader(res, prepared);
            replies.error(res, OpenAiErrors.of(failed.failure()));
            return;
        } finally {
            // Should the client be gone before the call ran, its caller's in-flight place comes back.
            prepared.release();
        }
        Optional<String> finish = OpenAiShapes.finishReason(response.finishReason());
        JsonNode answer = finish.isEmpty() ? null
                : shapes.completion(response, clock.instant().getEpochSecond(), finish.get());
        overheadHeader(res, prepared);
        response.cost().ifPresent(cost -> res.header(COST, cost.usd().toPlainString()));
        if (answer == null) {
            replies.error(res, OpenAiErrors.endedWithError());
            return;
        }
        replies.json(res, Status.OK_200, answer);
    }

    // The headers of the caller's windows as they stand now, for an answer that admitted nothing;
    // none while a state failing closed does not answer (the answer itself says why, or is a 503).
    private void rateLimits(ServerResponse res, Caller caller) {
        if (RateLimitHeaders.apply(caller.principal())) {
            try {
                RateLimitHeaders.write(res, caller.principal(), service.governance().standings(caller));
            } catch (LlmFailureException stateUnavailable) {
                // The windows cannot be read now: an answer without them is still right.
            }
        }
    }

    private void overheadHeader(ServerResponse res, PreparedRequest prepared) {
        GatewayOverhead.write(res, prepared.overhead());
    }

    private void models(ServerRequest req, ServerResponse res) {
        context(req, res);
        Caller caller = Callers.of(req, service.governance());
        rateLimits(res, caller);
        replies.json(res, Status.OK_200, shapes.models(service.models(caller), serviceStart));
    }

    private void model(ServerRequest req, ServerResponse res) {
        context(req, res);
        String id = req.path().pathParameters().get("model");
        Caller caller = Callers.of(req, service.governance());
        rateLimits(res, caller);
        Optional<ModelListing.Listed> listed = service.models(caller).models().stream()
                .filter(entry -> entry.model().id().equals(id))
                .findFirst();
        if (listed.isEmpty()) {
            replies.error(res, OpenAiErrors.modelNotFound(id));
            return;
        }
        replies.json(res, Status.OK_200, shapes.model(listed.get(), serviceStart));
    }

    private void unknown(ServerRequest req, ServerResponse res) {
        context(req, res);
        replies.error(res, OpenAiErrors.unknownUrl(req.prologue().method().text(), req.path().path()));
    }

    // The context this request runs under; its trace id goes on the response whatever happens next.
    private static A2aContext context(ServerRequest req, ServerResponse res) {
        A2aContext context = A2aHeaders.read(req.headers());
        res.header(A2aHeaders.TRACE_ID_HEADER, context.traceId());
        return context;
    }
}
