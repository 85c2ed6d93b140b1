package io.llmclient.jsonrpc;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.telemetry.MetricsReader;
import io.llmclient.inbound.support.admission.RequestBody;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.body.ReadBody;
import io.llmclient.inbound.support.auth.Callers;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.context.GatewayOverhead;
import io.llmclient.inbound.support.disconnect.ClientDisconnects;
import io.llmclient.jsonrpc.dispatch.Dispatcher;
import io.llmclient.jsonrpc.dispatch.Reply;
import io.llmclient.jsonrpc.method.Inbound;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.jsonrpc.method.LlmMethods;
import io.llmclient.jsonrpc.protocol.JsonRpcError;
import io.llmclient.jsonrpc.protocol.Responses;
import io.llmclient.inbound.support.sse.OpenStreams;
import java.util.Objects;
import java.util.concurrent.CancellationException;

/**
 * JSON-RPC 2.0 at {@code POST /jsonrpc}: translates requests to {@link LlmService} calls and back
 * (contract sections 3, 4 and 9).
 *
 * <h2>Decisions where the contract is silent</h2>
 * <ul>
 *   <li><b>Unknown envelope members</b> (anything besides {@code jsonrpc}, {@code method},
 *       {@code params}, {@code id}) make the request invalid (-32600, the id echoed when
 *       readable): a misspelt {@code param} would otherwise run a call without its params.</li>
 *   <li><b>JSON the hardened parser refuses</b> — nesting deeper than
 *       {@value io.llmclient.inbound.support.body.JsonCodec#MAX_NESTING_DEPTH} levels, a number longer
 *       than {@value io.llmclient.inbound.support.body.JsonCodec#MAX_NUMBER_LENGTH} digits, duplicate
 *       member names, trailing content after the value — is -32700 ParseError with id null:
 *       the parser stops before a request exists, so there is no id to echo and no request
 *       object to call invalid.</li>
 *   <li><b>Invalid requests are always answered</b>, even without an {@code id} (JSON-RPC 2.0
 *       answers an Invalid Request with id null); only a well-formed notification goes
 *       unanswered, whatever its outcome.</li>
 *   <li><b>{@code llm.stream} inside a batch</b> is such an invalid request: a batch's answer is
 *       one JSON array, which cannot carry an event stream, and holding the batch until its
 *       longest stream ended would defeat streaming. A single {@code llm.stream} is answered as
 *       {@code text/event-stream} by {@link JsonRpcStream}; as a notification it runs with its
 *       events dropped and gets HTTP 204.</li>
 *   <li><b>{@code id} of a wrong type</b> (object, array, boolean) is -32600 with id null: it
 *       cannot be echoed as a JSON-RPC id.</li>
 *   <li><b>Batches</b> run their calls concurrently (a virtual thread each) and answer in request
 *       order. The response's {@code X-Trace-Id} is the header's, or a generated one; each entry's
 *       {@code trace_id} is its own.</li>
 *   <li><b>Too large, too slow</b>: the body is read by {@code RequestBodyFilter} before the
 *       request takes an in-flight slot; see {@link RequestBody}, shared by every surface.</li>
 *   <li><b>A chunked body whose framing is malformed</b> (a chunk size such as
 *       {@code ffffffffffffffff}) is -32600 InvalidRequest with id null and HTTP 400, and the
 *       connection is closed: see {@link RequestBody}.</li>
 *   <li>A well-formed notification is executed (JSON-RPC 2.0 says so), only its answer is dropped.</li>
 *   <li>Extra {@code data} members beyond the contract's: {@code max_bytes} on PayloadTooLarge,
 *       {@code queue_size} or {@code response_buffer_bytes} on OverloadedError (which limit was full).</li>
 *   <li>The {@code Content-Type} of a request is not checked: the body is JSON or it is not.</li>
 *   <li><b>A client that closes its connection while its answer is being worked out</b> (a call
 *       waiting for its provider, a batch) cancels the work: every call of a batch together, none
 *       retried; the connection is then closed without an answer ({@link ClientDisconnects},
 *       decision 22).</li>
 *   <li>Whoever starts the server must not set Helidon's own {@code max-payload-size} below
 *       {@link InboundLimits#maxRequestBytes()}: Helidon's 413 would come first, without the
 *       JSON-RPC body.</li>
 * </ul>
 */
public final class JsonRpcEndpoint implements HttpService {
    private static final System.Logger LOG = System.getLogger(JsonRpcEndpoint.class.getName());

    private final LlmService service;
    private final JsonCodec codec;
    private final Dispatcher dispatcher;
    private final JsonRpcStream streams;
    private final ClientDisconnects disconnects;

    /** {@code metrics} answers {@code llm.metrics}: the registry {@code /metrics} exposes. */
    public JsonRpcEndpoint(LlmService service, InboundLimits limits, MetricsReader metrics) {
        this(service, limits, metrics, new OpenStreams());
    }

    /** As above, its streams listed in {@code openStreams}, which a drain ends when its grace is over. */
    public JsonRpcEndpoint(LlmService service, InboundLimits limits, MetricsReader metrics, OpenStreams openStreams) {
        this(service, limits, metrics, openStreams, ClientDisconnects.off());
    }

    /** As above, cancelling the work of a client that closes its connection as {@code disconnects} notices. */
    public JsonRpcEndpoint(LlmService service, InboundLimits limits, MetricsReader metrics, OpenStreams openStreams,
                           ClientDisconnects disconnects) {
        this.disconnects = Objects.requireNonNull(disconnects, "disconnects");
        this.service = Objects.requireNonNull(service, "service");
        Objects.requireNonNull(metrics, "metrics");
        Objects.requireNonNull(limits, "limits");
        this.codec = new JsonCodec(limits.maxRequestBytes());
        var responses = new Responses(codec.nodes());
        this.dispatcher = new Dispatcher(LlmMethods.table(service, metrics, codec.nodes()), responses, service.tracing());
        this.streams = new JsonRpcStream(codec, responses, limits, openStreams);
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/jsonrpc", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        RequestTimer arrived = service.arrival();
        var fromHeaders = new Inbound(A2aHeaders.read(req.headers()),
                Callers.of(req, service.governance()));
        byte[] body = ReadBody.of(req);
        // Everything but a stream is worked out here, while the client waits and may leave; a stream
        // is only prepared here, and notices its client at its writes (JsonRpcStream).
        GatewayOverhead.collecting(arrived, () -> send(req, res,
                disconnects.whileWaiting(req, () -> answer(body, fromHeaders, arrived)), arrived));
    }

    private Reply answer(byte[] body, Inbound fromHeaders, RequestTimer arrived) {
        try {
            return switch (codec.parse(body)) {
                case JsonCodec.Parsed.NotJson notJson -> dispatcher.notJson(notJson.reason(), fromHeaders);
                case JsonCodec.Parsed.Json json -> dispatcher.process(json.value(), fromHeaders, arrived);
            };
        } catch (CancellationException cancelled) {
            // A batch whose thread was interrupted: its client left (the answer is then dropped) or
            // the server is stopping.
            LOG.log(System.Logger.Level.DEBUG, "/jsonrpc cancelled (trace_id {0})", fromHeaders.traceId());
            return new Reply.Body(dispatcher.unidentifiedError(JsonRpcError.internalError(), fromHeaders.traceId()),
                    fromHeaders.traceId());
        } catch (RuntimeException bug) {
            // Calls catch their own failures; this is a bug in the dispatch itself. Its message may
            // quote anything, so only the class is logged and nothing of it is returned.
            LOG.log(System.Logger.Level.ERROR, "internal error at /jsonrpc (trace_id {0}): {1}",
                    fromHeaders.traceId(), bug.getClass().getName());
            return new Reply.Body(dispatcher.unidentifiedError(JsonRpcError.internalError(), fromHeaders.traceId()),
                    fromHeaders.traceId());
        }
    }

    private void send(ServerRequest req, ServerResponse res, Reply reply, RequestTimer arrived) {
        res.header(A2aHeaders.TRACE_ID_HEADER, reply.traceId());
        switch (reply) {
            case Reply.NoContent ignored -> res.status(Status.NO_CONTENT_204).send();
            case Reply.Body body -> {
                res.status(Status.OK_200);
                res.header(HeaderValues.CONTENT_TYPE_JSON);
                byte[] bytes = codec.write(body.json());
                if (!body.json().isArray()) {
                    // A batch's calls ran concurrently on threads of their own: no one number fits it.
                    GatewayOverhead.write(res, arrived.overhead());
                }
                res.send(bytes);
            }
            case Reply.Stream stream -> streams.run(req, res, stream);
        }
    }
}
