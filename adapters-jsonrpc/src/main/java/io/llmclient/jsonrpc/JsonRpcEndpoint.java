package io.llmclient.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.service.LlmService;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.jsonrpc.body.BoundedBody;
import io.llmclient.jsonrpc.body.JsonCodec;
import io.llmclient.jsonrpc.context.A2aHeaders;
import io.llmclient.jsonrpc.dispatch.Dispatcher;
import io.llmclient.jsonrpc.dispatch.Reply;
import io.llmclient.jsonrpc.method.LlmMethods;
import io.llmclient.jsonrpc.protocol.JsonRpcError;
import io.llmclient.jsonrpc.protocol.Responses;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Objects;

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
 *       {@value io.llmclient.jsonrpc.body.JsonCodec#MAX_NESTING_DEPTH} levels, a number longer
 *       than {@value io.llmclient.jsonrpc.body.JsonCodec#MAX_NUMBER_LENGTH} digits, duplicate
 *       member names, trailing content after the value — is -32700 ParseError with id null:
 *       the parser stops before a request exists, so there is no id to echo and no request
 *       object to call invalid.</li>
 *   <li><b>Invalid requests are always answered</b>, even without an {@code id} (JSON-RPC 2.0
 *       answers an Invalid Request with id null); only a well-formed notification goes
 *       unanswered, whatever its outcome. {@code llm.stream} inside a batch is such an invalid
 *       request.</li>
 *   <li><b>{@code id} of a wrong type</b> (object, array, boolean) is -32600 with id null: it
 *       cannot be echoed as a JSON-RPC id.</li>
 *   <li><b>Batches</b> run their calls concurrently (a virtual thread each) and answer in request
 *       order. The response's {@code X-Trace-Id} is the header's, or a generated one; each entry's
 *       {@code trace_id} is its own.</li>
 *   <li><b>Too large</b>: decided from {@code Content-Length} without reading; a chunked body is
 *       read up to the limit plus one byte. The 413 answer closes the connection so that the
 *       rest of the body is never read.</li>
 *   <li>The {@code Content-Type} of a request is not checked: the body is JSON or it is not.</li>
 * </ul>
 */
public final class JsonRpcEndpoint implements HttpService {
    private static final System.Logger LOG = System.getLogger(JsonRpcEndpoint.class.getName());

    private final LlmService service;
    private final InboundLimits limits;
    private final JsonCodec codec;
    private final Dispatcher dispatcher;

    public JsonRpcEndpoint(LlmService service, InboundLimits limits) {
        this.service = Objects.requireNonNull(service, "service");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.codec = new JsonCodec(limits.maxRequestBytes());
        this.dispatcher = new Dispatcher(LlmMethods.table(this.service, codec.nodes()), new Responses(codec.nodes()));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/jsonrpc", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        A2aContext fromHeaders = A2aHeaders.read(name -> req.headers().first(HeaderNames.create(name)));
        Reply reply;
        try {
            BoundedBody.Outcome body = BoundedBody.read(req.headers().contentLength(),
                    () -> req.content().inputStream(), limits.maxRequestBytes());
            reply = switch (body) {
                case BoundedBody.Outcome.TooLarge ignored -> {
                    tooLarge(res, fromHeaders.traceId());
                    yield null;
                }
                case BoundedBody.Outcome.Read read -> switch (codec.parse(read.bytes())) {
                    case JsonCodec.Parsed.NotJson notJson -> dispatcher.notJson(notJson.reason(), fromHeaders);
                    case JsonCodec.Parsed.Json json -> dispatcher.process(json.value(), fromHeaders);
                };
            };
        } catch (IOException | UncheckedIOException unreadable) {
            // The client went away or broke the framing mid-body: nobody is left to answer.
            LOG.log(System.Logger.Level.DEBUG, "request body unreadable (trace_id {0}): {1}",
                    fromHeaders.traceId(), unreadable.getClass().getName());
            return;
        } catch (RuntimeException bug) {
            LOG.log(System.Logger.Level.ERROR, "internal error at /jsonrpc (trace_id {0}): {1}",
                    fromHeaders.traceId(), bug.getClass().getName());
            reply = new Reply.Body(dispatcher.unidentifiedError(JsonRpcError.internalError(), fromHeaders.traceId()),
                    fromHeaders.traceId());
        }
        if (reply != null) {
            send(res, reply);
        }
    }

    private void send(ServerResponse res, Reply reply) {
        res.header(TraceIdFilter.TRACE_ID, reply.traceId());
        switch (reply) {
            case Reply.NoContent ignored -> res.status(Status.NO_CONTENT_204).send();
            case Reply.Body body -> sendJson(res, Status.OK_200, body.json());
        }
    }

    private void tooLarge(ServerResponse res, String traceId) {
        res.header(TraceIdFilter.TRACE_ID, traceId);
        // Closing the connection is what lets the server skip the unread rest of the body.
        res.header(HeaderValues.CONNECTION_CLOSE);
        sendJson(res, Status.REQUEST_ENTITY_TOO_LARGE_413,
                dispatcher.unidentifiedError(JsonRpcError.payloadTooLarge(limits.maxRequestBytes()), traceId));
    }

    private void sendJson(ServerResponse res, Status status, JsonNode json) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(codec.write(json));
    }
}
