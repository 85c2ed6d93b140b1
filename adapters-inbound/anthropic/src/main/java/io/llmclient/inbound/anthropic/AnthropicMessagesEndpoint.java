package io.llmclient.inbound.anthropic;

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
import io.llmclient.application.service.PreparedRequest;
import io.llmclient.application.service.TokenCount;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.Caller;
import io.llmclient.inbound.support.auth.Callers;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.body.ReadBody;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.context.GatewayOverhead;
import io.llmclient.inbound.support.disconnect.ClientDisconnects;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.sse.OpenStreams;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;

/**
 * The Anthropic-compatible surface (contract sections 12 and 14): {@code POST /v1/messages},
 * streamed or not, and {@code POST /v1/messages/count_tokens}, so that Anthropic's SDKs and coding
 * agents that speak Messages work against the service given only its base URL, for any model the
 * caller may use, of any provider. It translates to the same {@link LlmService} calls as the other
 * surfaces, so requests count in the same metrics, limits, budgets and audit.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li>How Anthropic request fields map to the service's params: {@link MessagesRequest}. Errors
 *       and their statuses: {@link AnthropicErrors}; refusals before the handler:
 *       {@link AnthropicRefusals}.</li>
 *   <li>Every answer carries {@code request-id} equal to {@code X-Trace-Id}; the A2A context comes
 *       from the {@code X-Trace-Id}, {@code X-Source-Agent} and {@code X-Session-Id} headers.</li>
 *   <li>{@code anthropic-version} is accepted whatever its value (SDKs send dated values newer than
 *       the gateway); {@code anthropic-beta} is forwarded to the Anthropic upstream only
 *       ({@link ForwardedHeaders}), never to another provider.</li>
 *   <li>A non-streamed answer carries {@code X-Gateway-Cost-Usd} when the model has a price, as on
 *       the OpenAI surface.</li>
 * </ul>
 */
public final class AnthropicMessagesEndpoint implements HttpService {
    /** The path of Messages. */
    public static final String MESSAGES = "/v1/messages";
    /** The path of the token count. */
    public static final String COUNT_TOKENS = "/v1/messages/count_tokens";
    /** Anthropic's name of the request's id; here the trace id. */
    static final String REQUEST_ID = "request-id";
    private static final System.Logger LOG = System.getLogger(AnthropicMessagesEndpoint.class.getName());
    private static final HeaderName COST = HeaderNames.create("X-Gateway-Cost-Usd");
    private static final HeaderName BETA = HeaderNames.create("anthropic-beta");

    private final LlmService service;
    private final JsonCodec codec;
    private final AnthropicShapes shapes;
    private final Replies replies;
    private final AnthropicStream streams;
    private final ClientDisconnects disconnects;

    /** The surface with its own list of open streams and without disconnect detection (tests). */
    public AnthropicMessagesEndpoint(LlmService service, InboundLimits limits) {
        this(service, limits, new OpenStreams(), ClientDisconnects.off());
    }

    /**
     * The surface, its streams listed in {@code openStreams} (which a drain ends when its grace is
     * over), cancelling the call of a client that closes its connection as {@code disconnects} notices.
     */
    public AnthropicMessagesEndpoint(LlmService service, InboundLimits limits, OpenStreams openStreams,
                                     ClientDisconnects disconnects) {
        this.service = Objects.requireNonNull(service, "service");
        this.disconnects = Objects.requireNonNull(disconnects, "disconnects");
        this.codec = new JsonCodec(limits.maxRequestBytes());
        this.shapes = new AnthropicShapes(codec.nodes());
        this.replies = new Replies(codec);
        this.streams = new AnthropicStream(service, codec, replies, limits, openStreams);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post(MESSAGES, (req, res) -> guarded(req, res, this::messages))
                .post(COUNT_TOKENS, (req, res) -> guarded(req, res, this::countTokens));
    }

    /** One handler's work, with the trace id known. */
    private interface Work {
        void run(ServerRequest req, ServerResponse res, byte[] body, A2aContext context, RequestTimer arrived);
    }

    private void guarded(ServerRequest req, ServerResponse res, Work work) {
        RequestTimer arrived = service.arrival();
        A2aContext context = context(req, res);
        byte[] body = ReadBody.of(req);
        try {
            work.run(req, res, body, context, arrived);
        } catch (CloseConnectionException clientGone) {
            // Its client left while its answer waited: nobody to answer (ClientDisconnects).
            throw clientGone;
        } catch (CancellationException cancelled) {
            LOG.log(System.Logger.Level.DEBUG, "{0} cancelled (trace_id {1})", req.path().path(), context.traceId());
            if (!res.isSent()) {
                replies.error(res, AnthropicErrors.internal(), context.traceId());
            }
        } catch (RuntimeException bug) {
            // The message may quote anything, a key included: only the class is logged.
            LOG.log(System.Logger.Level.ERROR, "internal error at {0} (trace_id {1}): {2}", req.path().path(),
                    context.traceId(), bug.getClass().getName());
            if (!res.isSent()) {
                replies.error(res, AnthropicErrors.internal(), context.traceId());
            }
        }
    }

    private void messages(ServerRequest req, ServerResponse res, byte[] body, A2aContext context,
                          RequestTimer arrived) {
        String traceId = context.traceId();
        Optional<JsonNode> json = object(res, body, traceId);
        if (json.isEmpty()) {
            return;
        }
        Caller caller = Callers.of(req, service.governance());
        MessagesRequest request;
        PreparedRequest prepared;
        try {
            request = MessagesRequest.read(json.get());
        } catch (LlmFailureException refused) {
            replies.error(res, AnthropicErrors.of(refused.failure()), traceId);
            return;
        }
        try {
            prepared = service.prepare(request.params(), context, arrived, caller).withForwarded(forwarded(req));
        } catch (LlmFailureException refused) {
            replies.error(res, AnthropicErrors.of(request.named(refused.failure())), traceId);
            return;
        }
        if (request.stream()) {
            streams.run(req, res, prepared);
            return;
        }
        ChatResponse response;
        try {
            PreparedRequest call = prepared;
            response = disconnects.whileWaiting(req, () -> service.complete(call));
        } catch (LlmFailureException failed) {
            GatewayOverhead.write(res, prepared.overhead());
            replies.error(res, AnthropicErrors.of(failed.failure()), traceId);
            return;
        } finally {
            // Should the client be gone before the call ran, its caller's in-flight place comes back.
            prepared.release();
        }
        GatewayOverhead.write(res, prepared.overhead());
        response.cost().ifPresent(cost -> res.header(COST, cost.usd().toPlainString()));
        Optional<String> stopReason = AnthropicShapes.stopReason(response);
        if (stopReason.isEmpty()) {
            replies.error(res, AnthropicErrors.endedWithError(), traceId);
            return;
        }
        replies.json(res, Status.OK_200, shapes.message(response, stopReason.get()));
    }

    private void countTokens(ServerRequest req, ServerResponse res, byte[] body, A2aContext context,
                             RequestTimer arrived) {
        String traceId = context.traceId();
        Optional<JsonNode> json = object(res, body, traceId);
        if (json.isEmpty()) {
            return;
        }
        Caller caller = Callers.of(req, service.governance());
        MessagesRequest request;
        try {
            request = MessagesRequest.readForCounting(json.get());
        } catch (LlmFailureException refused) {
            replies.error(res, AnthropicErrors.of(refused.failure()), traceId);
            return;
        }
        TokenCount count;
        try {
            count = disconnects.whileWaiting(req, () -> service.countTokens(request.params(), context, arrived,
                    caller, forwarded(req)));
        } catch (LlmFailureException refused) {
            replies.error(res, AnthropicErrors.of(request.named(refused.failure())), traceId);
            return;
        }
        replies.json(res, Status.OK_200, shapes.tokenCount(count.inputTokens()));
    }

    // The body as a JSON object; otherwise the error is answered and nothing is returned.
    private Optional<JsonNode> object(ServerResponse res, byte[] body, String traceId) {
        return switch (codec.parse(body)) {
            case JsonCodec.Parsed.NotJson notJson -> {
                replies.error(res, AnthropicErrors.invalidJson(notJson.reason()), traceId);
                yield Optional.empty();
            }
            case JsonCodec.Parsed.Json parsed when !parsed.value().isObject() -> {
                replies.error(res, AnthropicErrors.notAnObject(), traceId);
                yield Optional.empty();
            }
            case JsonCodec.Parsed.Json parsed -> Optional.of(parsed.value());
        };
    }

    // anthropic-beta means something to Anthropic's API only: it goes to that upstream, and no other.
    private static ForwardedHeaders forwarded(ServerRequest req) {
        return req.headers().first(BETA)
                .map(beta -> ForwardedHeaders.to(ProviderId.ANTHROPIC, Map.of("anthropic-beta", beta)))
                .orElse(ForwardedHeaders.NONE);
    }

    // The context this request runs under; its trace id goes on the response, as request-id too.
    private static A2aContext context(ServerRequest req, ServerResponse res) {
        A2aContext context = A2aHeaders.read(req.headers());
        res.header(A2aHeaders.TRACE_ID_HEADER, context.traceId());
        res.header(HeaderNames.create(REQUEST_ID), context.traceId());
        return context;
    }
}
