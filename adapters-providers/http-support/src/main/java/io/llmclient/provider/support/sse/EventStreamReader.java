package io.llmclient.provider.support.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads server-sent events one at a time from a blocking byte stream, by the WHATWG HTML
 * "event stream interpretation" rules: the stream is UTF-8 and a leading BOM is dropped; a line
 * ends in CRLF, LF or a lone CR; a line starting with {@code :} is a comment; a line without a
 * colon is a field with an empty value; one space after the colon is dropped; {@code data}
 * lines are joined with LF; {@code event} names the type of the next event only; {@code id}
 * sets the last event id (unless it holds NUL); a blank line dispatches; an event without data
 * is not dispatched (its type is forgotten); an event cut off by the end of the stream is
 * discarded. {@code retry} and unknown fields are ignored: the gateway never reconnects, a
 * dropped stream is a failure its caller sees.
 *
 * <p>{@link #next()} returns as soon as one event's blank line has been read (a lone CR ends a
 * line without waiting for the next byte), so each event reaches the caller as the network
 * delivers it, not when the body ends.
 *
 * <p>Our own reader rather than Helidon's {@code helidon-webclient-sse}: that one joins
 * multi-line data without the LF, strips every leading space, and fails on an empty first line.
 *
 * <p>It reads through its own {@value #READ_BYTES}-byte buffer, not a {@code BufferedInputStream}:
 * a held stream keeps its buffer while it waits, and Helidon's entity stream allocates one of the
 * size asked for on every read, so an 8 KiB buffer cost 16 KiB per open stream (issue 11). Lines
 * are found by scanning the buffer, not byte by byte: {@code BufferedInputStream.read()} takes a
 * lock per byte, which made parsing 5-9 times slower (decision 15).
 */
public final class EventStreamReader {
    /** A line longer than this is refused rather than buffered without bound, unless the reader is given its own cap. */
    public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    /** Bytes asked for per read: more than a typical provider event, little to hold while idle. */
    static final int READ_BYTES = 1024;

    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final char BOM = '\uFEFF';

    private final InputStream in;
    private final long maxLineBytes;
    private final byte[] buffer = new byte[READ_BYTES];
    private int position;
    private int limit;
    /** The start of a line that spans reads; empty while the current line is within {@link #buffer}. */
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(0);
    private final StringBuilder data = new StringBuilder();
    private boolean afterCr;
    private boolean firstLine = true;
    private boolean hasData;
    private String type = "";
    private String lastEventId = "";

    /** Reads {@code source}; the caller still owns (closes) it. */
    public EventStreamReader(InputStream source) {
        this(source, MAX_LINE_BYTES);
    }

    /**
     * As {@link #EventStreamReader(InputStream)}, refusing lines longer than {@code maxLineBytes}
     * (adapters pass their upstream answer limit, {@code LLM_MAX_RESPONSE_BYTES}).
     */
    public EventStreamReader(InputStream source, long maxLineBytes) {
        Objects.requireNonNull(source, "source");
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be > 0");
        }
        this.in = source;
        this.maxLineBytes = maxLineBytes;
    }

    /**
     * The next event, or empty at the end of the stream. Blocks until an event is complete or
     * the stream ends.
     *
     * @throws IOException when reading fails, or a line is longer than the reader's cap
     */
    public Optional<ServerSentEvent> next() throws IOException {
        for (Optional<String> read = readLine(); read.isPresent(); read = readLine()) {
            String text = read.get();
            if (text.isEmpty()) {
                Optional<ServerSentEvent> event = dispatch();
                if (event.isPresent()) {
                    return event;
                }
            } else if (text.charAt(0) != ':') {
                field(text);
            }
        }
        return Optional.empty();
    }

    /**
     * Reads and discards the rest of the stream, at most {@code maxBytes} of it: after a
     * provider's last event, so that the body is read to its end and its connection can be
     * used again.
     *
     * @return whether the stream ended within {@code maxBytes}
     */
    public boolean skipRest(long maxBytes) throws IOException {
        long skipped = limit - position;
        position = limit;
        while (skipped <= maxBytes) {
            int n = in.read(buffer);
            if (n < 0) {
                return true;
            }
            skipped += n;
        }
        return false;
    }

    private Optional<ServerSentEvent> dispatch() {
        String eventType = type.isEmpty() ? ServerSentEvent.DEFAULT_TYPE : type;
        type = "";
        if (!hasData) {
            return Optional.empty();
        }
        String joined = data.toString();
        data.setLength(0);
        hasData = false;
        return Optional.of(new ServerSentEvent(eventType, joined, lastEventId));
    }

    private void field(String text) {
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : valueAfter(text, colon);
        switch (name) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" and unknown fields: ignored (see the class comment).
            }
        }
    }

    private static String valueAfter(String text, int colon) {
        int start = colon + 1;
        if (start < text.length() && text.charAt(start) == ' ') {
            start++;
        }
        return text.substring(start);
    }

    /** One line without its terminator, or empty at the end of the stream (a partial last line is dropped). */
    private Optional<String> readLine() throws IOException {
        line.reset();
        while (true) {
            if (position == limit && !fill()) {
                return Optional.empty();
            }
            if (afterCr) {
                afterCr = false;
                if (buffer[position] == LF) {
                    // The LF of a CRLF whose CR already ended the line.
                    position++;
                    continue;
                }
            }
            int start = position;
            int end = endOfLine(start);
            if (line.size() + (long) (end - start) > maxLineBytes) {
                throw new IOException("event-stream line longer than " + maxLineBytes + " bytes");
            }
            if (end == limit) {
                line.write(buffer, start, end - start);
                position = limit;
                continue;
            }
            afterCr = buffer[end] == CR;
            position = end + 1;
            if (line.size() == 0) {
                return Optional.of(decode(new String(buffer, start, end - start, StandardCharsets.UTF_8)));
            }
            line.write(buffer, start, end - start);
            return Optional.of(decode(line.toString(StandardCharsets.UTF_8)));
        }
    }

    private int endOfLine(int from) {
        int at = from;
        while (at < limit && buffer[at] != CR && buffer[at] != LF) {
            at++;
        }
        return at;
    }

    /** Reads what the stream has (at least one byte, unless it ended); false at its end. */
    private boolean fill() throws IOException {
        int n = in.read(buffer);
        if (n <= 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** A whole line decodes on its own: no UTF-8 sequence contains the bytes of CR or LF. */
    private String decode(String text) {
        if (firstLine) {
            firstLine = false;
            if (!text.isEmpty() && text.charAt(0) == BOM) {
                return text.substring(1);
            }
        }
        return text;
    }
}
