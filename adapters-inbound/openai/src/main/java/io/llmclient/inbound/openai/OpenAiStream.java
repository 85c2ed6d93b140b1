package io.llmclient.inbound.openai;

import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.service.PreparedRequest;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.inbound.support.body.JsonCodec;
import io.llmclient.inbound.support.context.GatewayOverhead;
import io.llmclient.inbound.support.context.RandomIds;
import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.sse.ClientGone;
import io.llmclient.inbound.support.sse.CoalescingSink;
import io.llmclient.inbound.support.sse.EventStream;
import io.llmclient.inbound.support.sse.KeepAlives;
import io.llmclient.inbound.support.sse.OpenStreams;
import io.llmclient.inbound.support.sse.SseFrame;
import io.llmclient.inbound.support.sse.WriteDeadline;
import java.time.Clock;
import java.util.Optional;

/**
 * Runs one {@code stream: true} chat completion as OpenAI streams it: a chunk with the assistant
 * role first, one chunk per delta (text, or one entry of {@code delta.tool_calls}), a finish chunk, a usage chunk with {@code choices: []} when
 * {@code stream_options.include_usage} is true, then {@code data: [DONE]}. A failure after the
 * first chunk ends the stream with {@code data: {"error":{...}}} and no {@code [DONE]} (contract
 * section 9); one before it is an ordinary error response.
 *
 * <p>The response opens (headers, role chunk) as soon as the provider has accepted the stream
 * ({@link StreamSink#opened()}), or at the first delta for providers that cannot tell. A wait
 * longer than {@code LLM_SSE_KEEPALIVE} before either opens it with a keep-alive comment
 * (headers only, no chunk): the role chunk still comes first among the chunks, and the stream is
 * not committed by it, but a failure before the first chunk is then the stream's
 * {@code data: {"error":{...}}} instead of an ordinary error response.
 *
 * <p>Every chunk carries one id, made here: the provider's own id is known only at the end.
 */
final class OpenAiStream {
    private static final System.Logger LOG = System.getLogger(OpenAiStream.class.getName());

    private final LlmService service;
    private final JsonCodec codec;
    private final OpenAiShapes shapes;
    private final Replies replies;
    private final Clock clock;
    private final WriteDeadline writes;
    private final KeepAlives keepAlives;
    private final OpenStreams openStreams;
    private final SseFrame shutdown;

    OpenAiStream(LlmService service, JsonCodec codec, Replies replies, Clock clock, InboundLimits limits,
                 OpenStreams openStreams) {
        this.service = service;
        this.codec = codec;
        this.shapes = new OpenAiShapes(codec.nodes());
        this.replies = replies;
        this.clock = clock;
        this.writes = new WriteDeadline(limits.streamWriteLimit());
        this.keepAlives = new KeepAlives(limits.sseKeepAlive());
        this.openStreams = openStreams;
        // Should a drain's grace run out, the stream's last event says so (and no [DONE] follows).
        this.shutdown = EventStream.dataEvent(codec.write(OpenAiErrors.draining().body(codec.nodes())));
    }

    void run(ServerRequest req, ServerResponse res, PreparedRequest prepared, ChatCompletionRequest request) {
        try {
            stream(req, res, prepared, request);
        } finally {
            // A stream that could not even start gives back its caller's in-flight place.
            prepared.release();
        }
    }

    private void stream(ServerRequest req, ServerResponse res, PreparedRequest prepared,
                        ChatCompletionRequest request) {
        String traceId = prepared.request().context().traceId();
        // Headers that go out with the first chunk: the overhead up to the first byte.
        var out = EventStream.start(res, traceId, writes, keepAlives, openStreams, () -> shutdown,
                () -> GatewayOverhead.write(res, prepared.overhead()));
        try {
            service.stream(prepared, new Chunks(out, prepared, request));
        } catch (ClientGone gone) {
            LOG.log(System.Logger.Level.DEBUG, "stream client gone (trace_id {0}): {1}", traceId, gone.getMessage());
        } catch (LlmFailureException failure) {
            end(res, out, OpenAiErrors.of(failure.failure()));
        } catch (RuntimeException bug) {
            // The message may quote anything, a key included: only the class is logged.
            LOG.log(System.Logger.Level.ERROR, "internal error in a chat completion stream (trace_id {0}): {1}",
                    traceId, bug.getClass().getName());
            end(res, out, OpenAiErrors.internal());
        } finally {
            out.close();
        }
    }

    /** Writes one stream's events as chunks that all carry the same id, model and creation time. */
    private final class Chunks extends CoalescingSink {
        private final EventStream out;
        private final PreparedRequest prepared;
        private final ChatCompletionRequest request;
        private final String id = "chatcmpl-" + RandomIds.hex();
        private final String model;
        private final long created;
        private final ContentChunks contents;
        private boolean roleSent;

        Chunks(EventStream out, PreparedRequest prepared, ChatCompletionRequest request) {
            super(out);
            this.out = out;
            this.prepared = prepared;
            this.request = request;
            this.model = prepared.model().id();
            this.created = clock.instant().getEpochSecond();
            this.contents = new ContentChunks(codec, shapes, id, model, created);
        }

        @Override
        public boolean opened() {
            // The provider accepted the stream: headers and the role chunk go out now, so the first
            // byte follows the provider's first byte, not its first token (see docs/decisions.md,
            // 'A `/v1` stream opens when the provider accepts it').
            roleFirst();
            return true;
        }

        // The event's frames wait in the body's buffer while the provider has more at hand (decision 38).
        @Override
        protected void write(StreamEvent event) {
            switch (event) {
                case StreamEvent.Delta delta -> {
                    roleFirst();
                    out.data(contents.chunk(delta.text()));
                }
                case StreamEvent.ToolCallDelta fragment -> {
                    roleFirst();
                    out.data(codec.write(shapes.toolCallChunk(id, model, created, fragment)));
                }
                case StreamEvent.Completed done -> {
                    roleFirst();
                    finish(done);
                }
                case StreamEvent.Failed failed ->
                        out.data(codec.write(OpenAiErrors.of(failed.failure()).body(codec.nodes())));
            }
        }

        private void roleFirst() {
            if (!roleSent) {
                out.data(codec.write(shapes.roleChunk(id, model, created)));
                roleSent = true;
            }
        }

        private void finish(StreamEvent.Completed done) {
            Optional<String> finish = OpenAiShapes.finishReason(done.response().finishReason());
            if (finish.isEmpty()) {
                out.data(codec.write(OpenAiErrors.endedWithError().body(codec.nodes())));
                return;
            }
            out.data(codec.write(shapes.finishChunk(id, model, created, finish.get())));
            if (request.includeUsage()) {
                out.data(codec.write(shapes.usageChunk(id, model, created, done.response().usage())));
            }
            out.data("[DONE]");
        }
    }

    // Unopened, the answer is an ordinary error response; once open (a chunk or a keep-alive went
    // out), the stream's last event.
    private void end(ServerResponse res, EventStream out, OpenAiError error) {
        if (out.endUnopened()) {
            replies.error(res, error);
            return;
        }
        try {
            out.data(codec.write(error.body(codec.nodes())));
        } catch (ClientGone gone) {
            // Nobody is left to read it.
        }
    }
}
