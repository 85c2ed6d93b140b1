package io.llmclient.inbound.support.sse;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The bytes of one whole server-sent event as an {@link EventStream} writes it, and the writing of
 * {@code data} and {@code event} fields straight into a response body.
 *
 * <p>Byte for byte what Helidon's SSE sink wrote before the stream wrote its own events (decision
 * 38): a field name, its value after one space ({@code event: name}, {@code data: json}), a value
 * with line breaks split into one {@code data:} line per line (the space only before the first),
 * a name's line breaks turned into spaces, and the blank line that ends the event. Written
 * directly, an event costs no {@code SseEvent}, no copy of its JSON with a space in front, and
 * no flush of its own.
 */
public final class SseFrame {
    private static final byte[] DATA = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_SPACED = "data: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] END_OF_EVENT = {'\n', '\n'};
    private static final byte[] EVENT = "event: ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] COMMENT = ":".getBytes(StandardCharsets.US_ASCII);

    private final byte[] bytes;

    private SseFrame(byte[] bytes) {
        this.bytes = bytes;
    }

    /** An unnamed {@code data: json} event. */
    public static SseFrame data(byte[] json) {
        return build(out -> writeData(out, json));
    }

    /** {@code event: name} with {@code data: json}. */
    public static SseFrame named(String name, byte[] json) {
        return build(out -> writeNamed(out, name, json));
    }

    /** A comment line ({@code :text}), then the blank line: SSE parsers skip it. */
    public static SseFrame comment(String text) {
        return build(out -> {
            writeLines(out, COMMENT, text.getBytes(StandardCharsets.UTF_8), false);
            out.write('\n');
        });
    }

    /** Writes an unnamed {@code data: json} event to {@code out}. */
    static void writeData(OutputStream out, byte[] json) throws IOException {
        if (oneLine(json)) {
            // The usual event: three writes into the body's buffer (each takes its lock), no more.
            out.write(DATA_SPACED);
            out.write(json);
            out.write(END_OF_EVENT);
            return;
        }
        writeLines(out, DATA, json, true);
        out.write('\n');
    }

    private static boolean oneLine(byte[] value) {
        for (byte b : value) {
            if (b == '\r' || b == '\n') {
                return false;
            }
        }
        return true;
    }

    /** Writes {@code event: name} with {@code data: json} to {@code out}. */
    static void writeNamed(OutputStream out, String name, byte[] json) throws IOException {
        out.write(EVENT);
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        int start = 0;
        for (int i = 0; i < bytes.length; i++) {
            if (bytes[i] == '\r' || bytes[i] == '\n') {
                // A name is one line: a line break in it becomes a space (CRLF one space).
                out.write(bytes, start, i - start);
                out.write(' ');
                if (bytes[i] == '\r' && i + 1 < bytes.length && bytes[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        out.write(bytes, start, bytes.length - start);
        out.write('\n');
        writeData(out, json);
    }

    void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    /** One {@code field} line per line of {@code value}; {@code spaced}: one space before the first line's value. */
    private static void writeLines(OutputStream out, byte[] field, byte[] value, boolean spaced) throws IOException {
        int start = 0;
        boolean first = true;
        boolean written = false;
        for (int i = 0; i < value.length; i++) {
            byte b = value[i];
            if (b == '\r' || b == '\n') {
                line(out, field, spaced && first, value, start, i);
                first = false;
                written = true;
                if (b == '\r' && i + 1 < value.length && value[i + 1] == '\n') {
                    i++;
                }
                start = i + 1;
            }
        }
        if (!written || start < value.length) {
            line(out, field, spaced && first, value, start, value.length);
        }
    }

    private static void line(OutputStream out, byte[] field, boolean space, byte[] value, int from, int to)
            throws IOException {
        out.write(field);
        if (space) {
            out.write(' ');
        }
        out.write(value, from, to - from);
        out.write('\n');
    }

    private interface Writing {
        void to(OutputStream out) throws IOException;
    }

    private static SseFrame build(Writing writing) {
        var out = new java.io.ByteArrayOutputStream(64);
        try {
            writing.to(out);
        } catch (IOException impossible) {
            // A ByteArrayOutputStream does not fail.
            throw new IllegalStateException(impossible);
        }
        return new SseFrame(out.toByteArray());
    }

    /** The event as text, for tests and messages. */
    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
