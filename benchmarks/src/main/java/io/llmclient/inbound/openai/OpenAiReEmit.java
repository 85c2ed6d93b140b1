package io.llmclient.inbound.openai;

import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.inbound.support.body.JsonCodec;

/**
 * The OpenAI-compatible surface's per-event work, opened up for the benchmarks ({@link OpenAiShapes}
 * is package-private): one stream event to the bytes of its {@code chat.completion.chunk}, as
 * {@link OpenAiStream} writes it after {@code data: }.
 */
public final class OpenAiReEmit {
    private final JsonCodec codec;
    private final OpenAiShapes shapes;

    public OpenAiReEmit(JsonCodec codec) {
        this.codec = codec;
        this.shapes = new OpenAiShapes(codec.nodes());
    }

    /** A new stream's re-emit: its text deltas as {@link OpenAiStream} writes them ({@link ContentChunks}). */
    public Stream stream() {
        return new Stream();
    }

    /** One stream's chunks: all of one id, model and creation time. */
    public final class Stream {
        private final ContentChunks contents = new ContentChunks(codec, shapes, ID, MODEL, CREATED);

        private Stream() {
        }

        /** The chunk bytes of one event. */
        public byte[] chunk(StreamEvent event) {
            return event instanceof StreamEvent.Delta delta ? contents.chunk(delta.text()) : OpenAiReEmit.this.chunk(event);
        }
    }

    private static final String ID = "chatcmpl-0123456789abcdef0123456789abcdef";
    private static final String MODEL = "gpt-4.1-mini";
    private static final long CREATED = 1_764_000_000L;

    /** The chunk bytes of one event, each from its own tree (how text deltas were written before decision 39). */
    public byte[] chunk(StreamEvent event) {
        String id = ID;
        long created = CREATED;
        return switch (event) {
            case StreamEvent.Delta delta -> codec.write(shapes.contentChunk(id, "gpt-4.1-mini", created, delta.text()));
            case StreamEvent.ToolCallDelta fragment ->
                    codec.write(shapes.toolCallChunk(id, "gpt-4.1-mini", created, fragment));
            case StreamEvent.Completed done -> codec.write(shapes.finishChunk(id, "gpt-4.1-mini", created,
                    OpenAiShapes.finishReason(done.response().finishReason()).orElse("stop")));
            case StreamEvent.Failed failed -> codec.write(OpenAiErrors.of(failed.failure()).body(codec.nodes()));
        };
    }
}
