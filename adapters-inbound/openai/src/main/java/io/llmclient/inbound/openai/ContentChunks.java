package io.llmclient.inbound.openai;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import io.llmclient.inbound.support.body.JsonCodec;
import java.nio.charset.StandardCharsets;

/**
 * The {@code chat.completion.chunk} bytes of one stream's text deltas, without a JSON tree per
 * delta: every content chunk of a stream is the same bytes around its text (same id, model and
 * creation time), so those are serialised once, from the very tree {@link OpenAiShapes#contentChunk}
 * builds, and each delta adds only its text, escaped by Jackson's own string encoder. Byte for
 * byte what serialising the tree gives (decision 39); a text with a surrogate (an emoji, or a lone
 * half of one) still goes through the tree, where Jackson decides how it is written.
 */
final class ContentChunks {
    /** Stands for the text while the bytes around it are made: a value no id or model can hold. */
    private static final String MARK = "\u0001content\u0001";
    private static final JsonStringEncoder ESCAPE = JsonStringEncoder.getInstance();

    private final JsonCodec codec;
    private final OpenAiShapes shapes;
    private final String id;
    private final String model;
    private final long created;
    private byte[] before;
    private byte[] after;

    ContentChunks(JsonCodec codec, OpenAiShapes shapes, String id, String model, long created) {
        this.codec = codec;
        this.shapes = shapes;
        this.id = id;
        this.model = model;
        this.created = created;
    }

    /** The chunk of one text delta. */
    byte[] chunk(String text) {
        if (hasSurrogate(text)) {
            return codec.write(shapes.contentChunk(id, model, created, text));
        }
        if (before == null) {
            split();
        }
        byte[] escaped = ESCAPE.quoteAsUTF8(text);
        byte[] chunk = new byte[before.length + escaped.length + after.length];
        System.arraycopy(before, 0, chunk, 0, before.length);
        System.arraycopy(escaped, 0, chunk, before.length, escaped.length);
        System.arraycopy(after, 0, chunk, before.length + escaped.length, after.length);
        return chunk;
    }

    // Once per stream, at its first text: the chunk's bytes before and after the text's.
    private void split() {
        byte[] whole = codec.write(shapes.contentChunk(id, model, created, MARK));
        byte[] mark = ESCAPE.quoteAsUTF8(MARK);
        int at = indexOf(whole, mark);
        before = java.util.Arrays.copyOfRange(whole, 0, at);
        after = java.util.Arrays.copyOfRange(whole, at + mark.length, whole.length);
    }

    private static int indexOf(byte[] whole, byte[] part) {
        for (int at = whole.length - part.length; at >= 0; at--) {
            if (java.util.Arrays.equals(whole, at, at + part.length, part, 0, part.length)) {
                return at;
            }
        }
        throw new IllegalStateException("the chunk does not hold its text: "
                + new String(whole, StandardCharsets.UTF_8));
    }

    private static boolean hasSurrogate(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (Character.isSurrogate(text.charAt(i))) {
                return true;
            }
        }
        return false;
    }
}
