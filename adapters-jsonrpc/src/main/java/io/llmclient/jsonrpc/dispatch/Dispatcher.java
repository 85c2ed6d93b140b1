package io.llmclient.jsonrpc.dispatch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.telemetry.TracingPort;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.validation.ChatRequestParser;
import io.llmclient.jsonrpc.method.Inbound;
import io.llmclient.jsonrpc.method.MethodTable;
import io.llmclient.jsonrpc.method.RpcMethod;
import io.llmclient.jsonrpc.method.StreamMethod;
import io.llmclient.jsonrpc.protocol.Envelope;
import io.llmclient.jsonrpc.protocol.FailureMapping;
import io.llmclient.jsonrpc.protocol.JsonRpcError;
import io.llmclient.jsonrpc.protocol.Responses;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Runs a parsed JSON-RPC body: one request or a batch. Knows nothing of HTTP. Every call is
 * answered by exactly one response or, for a notification, none; no exception escapes a call.
 * A single call to a streaming method that passes its checks is handed back as a
 * {@link Reply.Stream} for the endpoint to run.
 * A batch's calls run concurrently, one virtual thread each, and are answered in request order.
 *
 * <p>Interrupting the thread that processes a body (its client left, decision 22) cancels its work:
 * a single call as the service cancels it, a batch's calls all together, and {@link #process}
 * then throws {@link CancellationException} for a batch.
 */
public final class Dispatcher {
    /** The most requests one batch may hold (contract section 9). */
    public static final int MAX_BATCH = 100;
    private static final List<String> CONTEXT_FIELDS = List.of("trace_id", "source_agent", "session_id");
    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final MethodTable methods;
    private final Responses responses;
    private final TracingPort tracing;

    public Dispatcher(MethodTable methods, Responses responses) {
        this(methods, responses, TracingPort.none());
    }

    /** A dispatcher whose batch calls, each on a thread of its own, stay in their request's trace. */
    public Dispatcher(MethodTable methods, Responses responses, TracingPort tracing) {
        this.methods = Objects.requireNonNull(methods, "methods");
        this.responses = Objects.requireNonNull(responses, "responses");
        this.tracing = Objects.requireNonNull(tracing, "tracing");
    }

    /**
     * Answers a body that parsed as JSON, with the A2A context its headers gave; the request
     * arrived as {@code arrived} tells.
     */
    public Reply process(JsonNode body, Inbound fromHeaders, RequestTimer arrived) {
        if (!body.isArray()) {
            Envelope envelope = Envelope.read(body);
            if (envelope instanceof Envelope.Call call
                    && methods.find(call.method(), false) instanceof MethodTable.Lookup.Streaming streaming) {
                return stream(call, streaming.method(), fromHeaders, arrived);
            }
            return reply(call(body, fromHeaders, false));
        }
        String batchTrace = fromHeaders.traceId();
        if (body.isEmpty()) {
            return refuseBatch("an empty batch holds no request", batchTrace);
        }
        if (body.size() > MAX_BATCH) {
            return refuseBatch("a batch holds at most " + MAX_BATCH + " requests, this one " + body.size(), batchTrace);
        }
        ArrayNode answered = responses.array();
        batch(body, fromHeaders).forEach(answer -> answer.response().ifPresent(answered::add));
        return answered.isEmpty() ? new Reply.NoContent(batchTrace) : new Reply.Body(answered, batchTrace);
    }

    /** A body the parser refused: -32700, id null. */
    public Reply notJson(String reason, Inbound fromHeaders) {
        return new Reply.Body(responses.error(NullNode.getInstance(), JsonRpcError.parseError(reason),
                fromHeaders.traceId()), fromHeaders.traceId());
    }

    /** A single error response with id null, for failures found before any call was read. */
    public ObjectNode unidentifiedError(JsonRpcError error, String traceId) {
        return responses.error(NullNode.getInstance(), error, traceId);
    }

    private Reply refuseBatch(String reason, String traceId) {
        return new Reply.Body(unidentifiedError(JsonRpcError.invalidRequest(reason), traceId), traceId);
    }

    private List<Answer> batch(JsonNode body, Inbound fromHeaders) {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            var pending = new ArrayList<Future<Answer>>(body.size());
            body.forEach(element -> pending.add(threads.submit(tracing.carried(() -> call(element, fromHeaders, true)))));
            var answers = new ArrayList<Answer>(pending.size());
            for (Future<Answer> future : pending) {
                answers.add(await(future, pending, fromHeaders));
            }
            return answers;
        }
    }

    private Answer await(Future<Answer> future, List<Future<Answer>> batch, Inbound fromHeaders) {
        try {
            return future.get();
        } catch (InterruptedException interrupted) {
            // The batch's client went away (or the server is stopping): every call still running is
            // interrupted, which cancels it, and the executor's close waits until each has ended.
            batch.forEach(call -> call.cancel(true));
            Thread.currentThread().interrupt();
            var cancelled = new CancellationException("batch cancelled by the caller");
            cancelled.initCause(interrupted);
            throw cancelled;
        } catch (ExecutionException bug) {
            // call() catches every exception; only an Error can land here.
            logBug("batch entry", fromHeaders.traceId(), bug.getCause());
            return new Answer(Optional.of(unidentifiedError(JsonRpcError.internalError(), fromHeaders.traceId())),
                    fromHeaders.traceId());
        }
    }

    private Answer call(JsonNode element, Inbound fromHeaders, boolean inBatch) {
        Envelope envelope = Envelope.read(element);
        String traceId = traceId(envelope.params(), fromHeaders);
        return switch (envelope) {
            case Envelope.Invalid invalid -> new Answer(Optional.of(responses.error(invalid.id(),
                    JsonRpcError.invalidRequest(invalid.reason()), traceId)), traceId);
            case Envelope.Call call -> switch (methods.find(call.method(), inBatch)) {
                // An invalid request is answered even without an id, as for a malformed envelope.
                case MethodTable.Lookup.Refused(JsonRpcError error)
                        when error.code() == JsonRpcError.INVALID_REQUEST ->
                        new Answer(Optional.of(responses.error(call.id().orElse(NullNode.getInstance()), error,
                                traceId)), traceId);
                case MethodTable.Lookup.Refused(JsonRpcError error) -> answer(call, error, traceId);
                case MethodTable.Lookup.Found(var method) -> run(call, method, fromHeaders, traceId);
                // Reached only inside a batch, where the table refuses streaming methods first.
                case MethodTable.Lookup.Streaming ignored -> new Answer(Optional.of(responses.error(
                        call.id().orElse(NullNode.getInstance()), JsonRpcError.invalidRequest(call.method()
                                + " cannot be called inside a batch"), traceId)), traceId);
            };
        };
    }

    private Answer run(Envelope.Call call, RpcMethod method, Inbound fromHeaders,
                       String traceId) {
        try {
            JsonNode result = method.call(call.params(), fromHeaders);
            return new Answer(call.id().map(id -> responses.success(id, result)), traceId);
        } catch (LlmFailureException failure) {
            return answer(call, FailureMapping.toError(failure.failure()), traceId);
        } catch (CancellationException cancelled) {
            // Its thread was interrupted: its client left (the answer is dropped) or the server is stopping.
            LOG.log(System.Logger.Level.DEBUG, "{0} cancelled (trace_id {1})", call.method(), traceId);
            return answer(call, JsonRpcError.internalError(), traceId);
        } catch (RuntimeException bug) {
            logBug(call.method(), traceId, bug);
            return answer(call, JsonRpcError.internalError(), traceId);
        }
    }

    // Prepared here so that a refusal before streaming is an ordinary response. A notification is
    // run like any other (JSON-RPC 2.0 says so) with its events dropped, and gets no answer.
    private Reply stream(Envelope.Call call, StreamMethod method, Inbound fromHeaders, RequestTimer arrived) {
        String traceId = traceId(call.params(), fromHeaders);
        StreamMethod.Prepared prepared;
        try {
            prepared = method.prepare(call.params(), fromHeaders, arrived);
        } catch (LlmFailureException failure) {
            return reply(answer(call, FailureMapping.toError(failure.failure()), traceId));
        } catch (RuntimeException bug) {
            logBug(call.method(), traceId, bug);
            return reply(answer(call, JsonRpcError.internalError(), traceId));
        }
        if (call.isNotification()) {
            try {
                prepared.run(event -> { });
            } catch (RuntimeException ignored) {
                // Nobody asked for the outcome; the service has recorded it.
            }
            return new Reply.NoContent(traceId);
        }
        return new Reply.Stream(call.id().orElseThrow(), prepared, traceId);
    }

    private static Reply reply(Answer answer) {
        return answer.response()
                .<Reply>map(response -> new Reply.Body(response, answer.traceId()))
                .orElseGet(() -> new Reply.NoContent(answer.traceId()));
    }

    // A notification gets no response, not even an error (JSON-RPC 2.0, section 4.1).
    private Answer answer(Envelope.Call call, JsonRpcError error, String traceId) {
        return new Answer(call.id().map(id -> responses.error(id, error, traceId)), traceId);
    }

    // params first, then the header, then the generated id; only well-formed ids are taken.
    private static String traceId(Optional<JsonNode> params, Inbound fromHeaders) {
        var ids = new HashMap<String, Object>();
        params.filter(JsonNode::isObject).ifPresent(object -> CONTEXT_FIELDS.forEach(name -> {
            JsonNode value = object.get(name);
            if (value != null && value.isTextual()) {
                ids.put(name, value.textValue());
            }
        }));
        return ChatRequestParser.bestEffortContext(ids, fromHeaders.headers()).traceId();
    }

    // The exception's message may quote anything, a key included: only its class is logged.
    private static void logBug(String method, String traceId, Throwable bug) {
        String where = bug == null || bug.getStackTrace().length == 0 ? "" : " at " + bug.getStackTrace()[0];
        LOG.log(System.Logger.Level.ERROR, "internal error in {0} (trace_id {1}): {2}{3}", method, traceId,
                bug == null ? "unknown" : bug.getClass().getName(), where);
    }

    private record Answer(Optional<ObjectNode> response, String traceId) {
    }
}
