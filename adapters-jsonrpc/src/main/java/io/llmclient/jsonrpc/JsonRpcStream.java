package io.llmclient.jsonrpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.context.GatewayOverhead;
import io.llmclient.jsonrpc.dispatch.Reply;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.jsonrpc.method.ResultMapping;
import io.llmclient.inbound.support.tools.ToolCallJson;
import io.llmclient.jsonrpc.protocol.FailureMapping;
import io.llmclient.jsonrpc.protocol.JsonRpcError;
import io.llmclient.jsonrpc.protocol.JsonRpcRefusals;
import io.llmclient.jsonrpc.protocol.Responses;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.sse.ClientGone;
import io.llmclient.inbound.support.sse.CoalescingSink;
import io.llmclient.inbound.support.sse.EventStream;
import io.llmclient.inbound.support.sse.KeepAlives;
import io.llmclient.inbound.support.sse.OpenStreams;
import io.llmclient.inbound.support.sse.SseFrame;
import io.llmclient.inbound.support.sse.WriteDeadline;
import java.util.function.Supplier;

/**
 * Runs one {@code llm.stream} call over SSE (contract section 4): {@code event: chunk} with
 * {@code {"delta":"..."}} per delta, {@code event: tool_call} per tool-call fragment (OpenAI's
 * {@code delta.tool_calls[]} entry; docs/tool-calling.md says why a separate event), then
 * exactly one {@code event: done} carrying the JSON-RPC
 * response (the {@code llm.complete} result shape, whole content), or {@code event: error}
 * carrying a JSON-RPC error response. A failure before the first delta is an ordinary
 * {@code application/json} JSON-RPC error when nothing has been sent yet; when a keep-alive has
 * already opened the response (the wait was longer than {@code LLM_SSE_KEEPALIVE}), it is the
 * stream's {@code event: error}.
 *
 * <p>The provider's acceptance ({@link StreamSink#opened()}) is not passed on: JSON-RPC has no
 * event to send for it, and its callers keep retries and fallback up to the first token
 * (decision 13). It only serves to stop the provider once a keep-alive has found the client gone.
 */
final class JsonRpcStream {
    private static final System.Logger LOG = System.getLogger(JsonRpcStream.class.getName());

    private final JsonCodec codec;
    private final Responses responses;
    private final WriteDeadline writes;
    private final KeepAlives keepAlives;
    private final OpenStreams openStreams;

    JsonRpcStream(JsonCodec codec, Responses responses, InboundLimits limits, OpenStreams openStreams) {
        this.codec = codec;
        this.responses = responses;
        this.writes = new WriteDeadline(limits.streamWriteLimit());
        this.keepAlives = new KeepAlives(limits.sseKeepAlive());
        this.openStreams = openStreams;
    }

    void run(ServerRequest req, ServerResponse res, Reply.Stream call) {
        try {
            stream(req, res, call);
        } finally {
            // A stream that could not even start gives back its caller's in-flight place.
            call.call().release();
        }
    }

    private void stream(ServerRequest req, ServerResponse res, Reply.Stream call) {
        // Headers that go out with the first event: the overhead up to the first byte.
        // Should a drain's grace run out, the stream's last event says so.
        Supplier<SseFrame> shutdown = () -> EventStream.namedEvent("error", codec.write(
                responses.error(call.id(), JsonRpcRefusals.error(new Refusal.Draining()), call.traceId())));
        var out = EventStream.start(res, call.traceId(), writes, keepAlives, openStreams, shutdown,
                () -> GatewayOverhead.write(res, call.call().overhead()));
        try {
            call.call().run(new Events(out, call));
        } catch (ClientGone gone) {
            LOG.log(System.Logger.Level.DEBUG, "stream client gone (trace_id {0}): {1}", call.traceId(),
                    gone.getMessage());
        } catch (LlmFailureException failure) {
            end(res, out, call, FailureMapping.toError(failure.failure()));
        } catch (RuntimeException bug) {
            // The message may quote anything, a key included: only the class is logged.
            LOG.log(System.Logger.Level.ERROR, "internal error in llm.stream (trace_id {0}): {1}", call.traceId(),
                    bug.getClass().getName());
            end(res, out, call, JsonRpcError.internalError());
        } finally {
            out.close();
        }
    }

    /** Writes one call's events as they come. */
    private final class Events extends CoalescingSink {
        private final EventStream out;
        private final Reply.Stream call;

        Events(EventStream out, Reply.Stream call) {
            super(out);
            this.out = out;
            this.call = call;
        }

        // The event's frames wait in the body's buffer while the provider has more at hand (decision 38).
        @Override
        protected void write(StreamEvent event) {
            switch (event) {
                case StreamEvent.Delta delta -> {
                    ObjectNode chunk = responses.object();
                    chunk.put("delta", delta.text());
                    out.event("chunk", codec.write(chunk));
                }
                case StreamEvent.ToolCallDelta fragment -> out.event("tool_call",
                        codec.write(ToolCallJson.fragment(fragment, codec.nodes())));
                case StreamEvent.Completed done -> out.event("done", codec.write(
                        responses.success(call.id(), ResultMapping.completion(done.response(), codec.nodes()))));
                case StreamEvent.Failed failed -> out.event("error", codec.write(
                        responses.error(call.id(), FailureMapping.toError(failed.failure()), call.traceId())));
            }
        }

        @Override
        public boolean opened() {
            // Not passed on (see the class comment); a client a keep-alive found gone stops the provider here.
            out.requireClient();
            return false;
        }
    }

    // Unopened, the answer is an ordinary JSON-RPC error; once open (an event or a keep-alive went
    // out), the stream's last event.
    private void end(ServerResponse res, EventStream out, Reply.Stream call, JsonRpcError error) {
        JsonNode response = responses.error(call.id(), error, call.traceId());
        if (out.endUnopened()) {
            res.header(A2aHeaders.TRACE_ID_HEADER, call.traceId());
            res.status(Status.OK_200);
            res.header(HeaderValues.CONTENT_TYPE_JSON);
            res.send(codec.write(response));
            return;
        }
        try {
            out.event("error", codec.write(response));
        } catch (ClientGone gone) {
            // Nobody is left to read it.
        }
    }
}
