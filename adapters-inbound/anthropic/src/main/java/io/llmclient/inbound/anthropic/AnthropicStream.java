package io.llmclient.inbound.anthropic;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.service.PreparedRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.TokenEstimate;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.context.GatewayOverhead;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.sse.ClientGone;
import io.llmclient.inbound.support.sse.CoalescingSink;
import io.llmclient.inbound.support.sse.EventStream;
import io.llmclient.inbound.support.sse.KeepAlives;
import io.llmclient.inbound.support.sse.OpenStreams;
import io.llmclient.inbound.support.sse.SseFrame;
import io.llmclient.inbound.support.sse.WriteDeadline;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Runs one {@code stream: true} Messages request as Anthropic streams it, whatever provider serves
 * it: {@code message_start} (with the gateway's estimate of the input tokens), then per content
 * block {@code content_block_start}, its {@code content_block_delta}s ({@code text_delta} or
 * {@code input_json_delta}) and {@code content_block_stop}, then {@code message_delta} with the stop
 * reason and the provider's usage, and {@code message_stop}. A failure after the stream opened is
 * {@code event: error} and the end; one before it is an ordinary error response.
 *
 * <p>Blocks are sequential on Anthropic's wire: a text delta after a tool call, or a new tool call,
 * closes the open block and starts the next. A fragment of a tool call whose block was already
 * closed (providers that interleave parallel calls; none of ours does) cannot be placed in a
 * sequential stream: the stream then ends with {@code event: error} rather than hand the client
 * broken input.
 *
 * <p>While it waits, the stream sends Anthropic's {@code ping} event every {@code LLM_SSE_KEEPALIVE}
 * seconds (contract section 14).
 */
final class AnthropicStream {
    private static final System.Logger LOG = System.getLogger(AnthropicStream.class.getName());
    /** Anthropic's keep-alive, byte for byte as the recorded streams carry it. */
    static final SseFrame PING = EventStream.namedEvent("ping",
            "{\"type\": \"ping\"}".getBytes(StandardCharsets.UTF_8));

    private final LlmService service;
    private final JsonCodec codec;
    private final AnthropicShapes shapes;
    private final Replies replies;
    private final WriteDeadline writes;
    private final KeepAlives keepAlives;
    private final OpenStreams openStreams;
    private final SseFrame shutdown;

    AnthropicStream(LlmService service, JsonCodec codec, Replies replies, InboundLimits limits,
                    OpenStreams openStreams) {
        this.service = service;
        this.codec = codec;
        this.shapes = new AnthropicShapes(codec.nodes());
        this.replies = replies;
        this.writes = new WriteDeadline(limits.streamWriteLimit());
        this.keepAlives = new KeepAlives(limits.sseKeepAlive());
        this.openStreams = openStreams;
        // Should a drain's grace run out, the stream's last event says so.
        this.shutdown = EventStream.namedEvent("error", codec.write(AnthropicErrors.draining().event(codec.nodes())));
    }

    void run(ServerRequest req, ServerResponse res, PreparedRequest prepared) {
        try {
            stream(req, res, prepared);
        } finally {
            // A stream that could not even start gives back its caller's in-flight place.
            prepared.release();
        }
    }

    private void stream(ServerRequest req, ServerResponse res, PreparedRequest prepared) {
        String traceId = prepared.request().context().traceId();
        var out = EventStream.start(res, traceId, writes, keepAlives, openStreams, () -> shutdown,
                () -> GatewayOverhead.write(res, prepared.overhead()), PING);
        try {
            service.stream(prepared, new Events(out, prepared));
        } catch (ClientGone gone) {
            LOG.log(System.Logger.Level.DEBUG, "stream client gone (trace_id {0}): {1}", traceId, gone.getMessage());
        } catch (LlmFailureException failure) {
            end(res, out, AnthropicErrors.of(failure.failure()), traceId);
        } catch (InterleavedToolCalls interleaved) {
            LOG.log(System.Logger.Level.WARNING, "stream with interleaved tool calls ended (trace_id {0})", traceId);
            end(res, out, AnthropicErrors.endedWithError(), traceId);
        } catch (RuntimeException bug) {
            // The message may quote anything, a key included: only the class is logged.
            LOG.log(System.Logger.Level.ERROR, "internal error in a messages stream (trace_id {0}): {1}",
                    traceId, bug.getClass().getName());
            end(res, out, AnthropicErrors.internal(), traceId);
        } finally {
            out.close();
        }
    }

    /** A tool-call fragment for a block already closed: see the class comment. */
    private static final class InterleavedToolCalls extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InterleavedToolCalls() {
            super("a tool call's fragment arrived after its block was closed", null, false, false);
        }
    }

    /** Writes one stream's events as Anthropic's, numbering its content blocks. */
    private final class Events extends CoalescingSink {
        private final EventStream out;
        private final PreparedRequest prepared;
        private final String id = AnthropicShapes.newMessageId();
        private boolean started;
        private int blocks;
        private int openBlock = -1;
        private boolean openIsText;
        private int openToolCall = -1;
        private int toolCallsStarted;

        Events(EventStream out, PreparedRequest prepared) {
            super(out);
            this.out = out;
            this.prepared = prepared;
        }

        @Override
        public boolean opened() {
            // The provider accepted the stream: message_start goes out now, so the first byte follows
            // the provider's first byte, not its first token (as on the OpenAI surface).
            startFirst();
            return true;
        }

        // The event's frames wait in the body's buffer while the provider has more at hand (decision 38).
        @Override
        protected void write(StreamEvent event) {
            switch (event) {
                case StreamEvent.Delta delta -> text(delta.text());
                case StreamEvent.ToolCallDelta fragment -> toolCall(fragment);
                case StreamEvent.Completed done -> finish(done.response());
                case StreamEvent.Failed failed -> send("error", AnthropicErrors.of(failed.failure()).event(codec.nodes()));
            }
        }

        private void text(String text) {
            startFirst();
            if (text.isEmpty()) {
                return;
            }
            if (openBlock < 0 || !openIsText) {
                closeBlock();
                openBlock = blocks++;
                openIsText = true;
                send("content_block_start", shapes.textBlockStart(openBlock));
            }
            send("content_block_delta", shapes.textDelta(openBlock, text));
        }

        private void toolCall(StreamEvent.ToolCallDelta fragment) {
            startFirst();
            if (fragment.starts()) {
                closeBlock();
                openBlock = blocks++;
                openIsText = false;
                openToolCall = fragment.index();
                toolCallsStarted++;
                send("content_block_start", shapes.toolUseBlockStart(openBlock, fragment.id().orElseThrow(),
                        fragment.name().orElseThrow()));
            } else if (openIsText || fragment.index() != openToolCall) {
                throw new InterleavedToolCalls();
            }
            send("content_block_delta", shapes.inputJsonDelta(openBlock, fragment.arguments()));
        }

        private void finish(ChatResponse response) {
            startFirst();
            Optional<String> stopReason = AnthropicShapes.stopReason(response);
            if (stopReason.isEmpty()) {
                send("error", AnthropicErrors.endedWithError().event(codec.nodes()));
                return;
            }
            if (toolCallsStarted < response.toolCalls().size()) {
                // A provider that streamed no fragments for some calls: they are sent whole.
                for (int i = toolCallsStarted; i < response.toolCalls().size(); i++) {
                    var call = response.toolCalls().get(i);
                    toolCall(StreamEvent.ToolCallDelta.start(i, call.id(), call.name(), call.arguments()));
                }
            }
            closeBlock();
            send("message_delta", shapes.messageDelta(response, stopReason.get()));
            send("message_stop", shapes.messageStop());
        }

        private void startFirst() {
            if (!started) {
                started = true;
                send("message_start", shapes.messageStart(id, prepared.model().id(),
                        TokenEstimate.of(prepared.request())));
            }
        }

        private void closeBlock() {
            if (openBlock >= 0) {
                send("content_block_stop", shapes.blockStop(openBlock));
                openBlock = -1;
                openToolCall = -1;
            }
        }

        private void send(String name, ObjectNode data) {
            out.event(name, codec.write(data));
        }
    }

    // Unopened, the answer is an ordinary error response; once open, the stream's last event.
    private void end(ServerResponse res, EventStream out, AnthropicError error, String traceId) {
        if (out.endUnopened()) {
            replies.error(res, error, traceId);
            return;
        }
        try {
            out.event("error", codec.write(error.event(codec.nodes())));
        } catch (ClientGone gone) {
            // Nobody is left to read it.
        }
    }
}
