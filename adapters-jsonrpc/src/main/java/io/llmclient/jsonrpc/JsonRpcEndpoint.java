package io.llmclient.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
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
import java.util.OptionalLong;

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
 *   <li><b>Too large</b>: decided from {@code Content-Length} before a byte is read; a chunked
 *       body is read up to the limit plus one byte. After the 413 has been sent, at most
 *       16 MiB more are read and discarded so that a client still writing its body can read the
 *       answer (otherwise it sees a reset connection); a larger body gets the connection closed
 *       at once.</li>
 *   <li>A well-formed notification is executed (JSON-RPC 2.0 says so), only its answer is dropped.</li>
 *   <li>Extra {@code data} members beyond the contract's: {@code max_bytes} on PayloadTooLarge,
 *       {@code queue_size} on OverloadedError.</li>
 *   <li>The {@code Content-Type} of a request is not checked: the body is JSON or it is not.</li>
 *   <li>Whoever starts the server must not set Helidon's own {@code max-payload-size} below
 *       {@link InboundLimits#maxRequestBytes()}: Helidon's 413 would come first, without the
 *       JSON-RPC body.</li>
 * </ul>
 */
public final class JsonRpcEndpoint implements HttpService {
    private static final System.Logger LOG = System.getLogger(JsonRpcEndpoint.class.getName());
    /** How much of a refused body is read and thrown away so the client can read the 413. */
    private static final long DRAIN_CAP = 16L * 1024 * 1024;

    private final InboundLimits limits;
    private final JsonCodec codec;
    private final Dispatcher dispatcher;

    public JsonRpcEndpoint(LlmService service, InboundLimits limits) {
        Objects.requireNonNull(service, "service");
        this.limits = Objects.requireNonNull(limits, "limits");
        this.codec = new JsonCodec(limits.maxRequestBytes());
        this.dispatcher = new Dispatcher(LlmMethods.table(service, codec.nodes()), new Responses(codec.nodes()));
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/jsonrpc", this::handle);
    }

    private void handle(ServerRequest req, ServerResponse res) {
        A2aContext fromHeaders = A2aHeaders.read(name -> req.headers().first(HeaderNames.create(name)));
        BoundedBody.Outcome body;
        try {
            body = BoundedBody.read(req.headers().contentLength(), () -> req.content().inputStream(),
                    limits.maxRequestBytes());
        } catch (IOException | UncheckedIOException unreadable) {
            // The client went away mid-body: nobody is left to answer.
            LOG.log(System.Logger.Level.DEBUG, "request body unreadable (trace_id {0}): {1}",
                    fromHeaders.traceId(), unreadable.getClass().getName());
            return;
        }
        switch (body) {
            case BoundedBody.Outcome.TooLarge tooLarge -> refuseTooLarge(req, res, tooLarge, fromHeaders.traceId());
            case BoundedBody.Outcome.Read read -> send(res, answer(read.bytes(), fromHeaders));
        }
    }

    private Reply answer(byte[] body, A2aContext fromHeaders) {
        try {
            return switch (codec.parse(body)) {
                case JsonCodec.Parsed.NotJson notJson -> dispatcher.notJson(notJson.reason(), fromHeaders);
                case JsonCodec.Parsed.Json json -> dispatcher.process(json.value(), fromHeaders);
            };
        } catch (RuntimeException bug) {
            // Calls catch their own failures; this is a bug in the dispatch itself. Its message may
            // quote anything, so only the class is logged and nothing of it is returned.
            LOG.log(System.Logger.Level.ERROR, "internal error at /jsonrpc (trace_id {0}): {1}",
                    fromHeaders.traceId(), bug.getClass().getName());
            return new Reply.Body(dispatcher.unidentifiedError(JsonRpcError.internalError(), fromHeaders.traceId()),
                    fromHeaders.traceId());
        }
    }

    private void send(ServerResponse res, Reply reply) {
        res.header(TraceIdFilter.TRACE_ID, reply.traceId());
        switch (reply) {
            case Reply.NoContent ignored -> res.status(Status.NO_CONTENT_204).send();
            case Reply.Body body -> sendJson(res, Status.OK_200, body.json());
        }
    }

    // The answer goes out before any more of the body is read. A client that writes its whole body
    // before reading (most do) would see a reset connection instead of the 413 if the server closed
    // with unread bytes, so up to DRAIN_CAP more bytes are read and thrown away after answering:
    // a declared length by Helidon itself (keeping the connection), a chunked body here. A larger
    // body, or a client still waiting for "100 Continue", gets the connection closed at once.
    private void refuseTooLarge(ServerRequest req, ServerResponse res, BoundedBody.Outcome.TooLarge tooLarge,
                                String traceId) {
        long drainCap = Math.max(DRAIN_CAP, limits.maxRequestBytes());
        OptionalLong declared = req.headers().contentLength();
        boolean waitsForContinue = req.headers().contains(HeaderValues.EXPECT_100);
        boolean keepConnection = declared.isPresent() && declared.getAsLong() <= drainCap && !waitsForContinue;
        res.header(TraceIdFilter.TRACE_ID, traceId);
        if (!keepConnection) {
            res.header(HeaderValues.CONNECTION_CLOSE);
        }
        sendJson(res, Status.REQUEST_ENTITY_TOO_LARGE_413,
                dispatcher.unidentifiedError(JsonRpcError.payloadTooLarge(limits.maxRequestBytes()), traceId));
        if (tooLarge.rest().isPresent()) {
            try {
                BoundedBody.discard(tooLarge.rest().get(), drainCap);
            } catch (IOException | UncheckedIOException gone) {
                return;
            }
        }
        if (!keepConnection) {
            // Without this Helidon would parse the unread rest of the body as the next request.
            throw new CloseConnectionException("request body over the limit: connection closed unread");
        }
    }

    private void sendJson(ServerResponse res, Status status, JsonNode json) {
        res.status(status);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(codec.write(json));
    }
}
