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
 * size asked for on every read, so an 8 KiB buffer cost 16 KiB per open stream. Lines
 * are found by scanning the buffer, not byte by byte: {@code BufferedInputStream.read()} takes a
 * lock per byte, which made parsing several times slower (see docs/decisions.md, 'What a held
 * stream keeps: plain server sockets, a 1 KiB event-stream read').
 *
 * <p>An event larger than {@value #FREE_BYTES} bytes (a line longer than the buffer, or data lines
 * joined) is reported to the reader's {@link Holding} as it grows, so that its owner can count it
 * against the budget all upstream answers share (see docs/decisions.md, 'Upstream answers share one
 * byte budget'). Smaller events are not: every stream
 * holds that much, and the number of streams is bounded by the connection cap; asking a shared
 * counter for each ordinary event would cost every stream for what only an outsized one needs.
 * The bytes of an event are held until the next event is asked for; then buffers it grew are dropped.
 */
public final class EventStreamReader {
    /** A line longer than this is refused rather than buffered without bound, unless the reader is given its own cap. */
    public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    /** Bytes asked for per read: more than a typical provider event, little to hold while idle. */
    static final int READ_BYTES = 1024;

    /** What an event may hold without telling the {@link Holding}: many times a typical provider event. */
    public static final int FREE_BYTES = 16 * 1024;

    /** Told how many bytes the event being read holds, once it is over {@link #FREE_BYTES}. */
    @FunctionalInterface
    public interface Holding {
        /** Holds nothing back: a reader on its own. */
        Holding NONE = bytes -> {
        };

        /**
         * The reader now holds about {@code bytes} for the current event, or 0 once it is done with
         * the last large one; an exception stops the read and is thrown from {@link #next()}.
         */
        void holding(long bytes) throws IOException;
    }

    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final char BOM = '\uFEFF';

    private final InputStream in;
    private final long maxLineBytes;
    private final Holding holding;
    private final byte[] buffer = new byte[READ_BYTES];
    private int position;
    private int limit;
    /** The start of a line that spans reads; empty while the current line is within {@link #buffer}. */
    private ByteArrayOutputStream line = new ByteArrayOutputStream(0);
    private StringBuilder data = new StringBuilder();
    /** The event's data while it has one line (the usual case): passed on as it is, no copy into {@link #data}. */
    private String singleData;
    /** What was last told to {@link #holding}. */
    private long reported;
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
        this(source, maxLineBytes, Holding.NONE);
    }

    /** As {@link #EventStreamReader(InputStream, long)}, telling {@code holding} of events over {@link #FREE_BYTES}. */
    public EventStreamReader(InputStream source, long maxLineBytes, Holding holding) {
        Objects.requireNonNull(source, "source");
        if (maxLineBytes <= 0) {
            throw new IllegalArgumentException("maxLineBytes must be > 0");
        }
        this.in = source;
        this.maxLineBytes = maxLineBytes;
        this.holding = Objects.requireNonNull(holding, "holding");
    }

    /**
     * The next event, or empty at the end of the stream. Blocks until an event is complete or
     * the stream ends.
     *
     * @throws IOException when reading fails, a line is longer than the reader's cap, or the
     *                     {@link Holding} refused the bytes of a large event
     */
    public Optional<ServerSentEvent> next() throws IOException {
        if (reported > 0) {
            // The last event was large and its caller is done with it: drop the buffers it grew.
            line = new ByteArrayOutputStream(0);
            data = new StringBuilder();
            reported = 0;
            holding.holding(0);
        }
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
     * Whether a whole event that will be dispatched (a {@code data} line, then the blank line that
     * ends its event) has already been read from the source, so that {@link #next()} returns it
     * without reading more: the provider delivered it in the same read as the event just returned.
     * Conservative: false when unsure (a line or an event begun before, a leading BOM), never true
     * when {@link #next()} would have to wait. Looks only at what is buffered; costs a scan of it.
     */
    public boolean eventAtHand() {
        if (line.size() > 0 || hasData || firstLine) {
            return false;
        }
        boolean data = false;
        boolean lineStart = true;
        boolean lf = afterCr;
        for (int at = position; at < limit; at++) {
            byte b = buffer[at];
            if (lf && b == LF) {
                // The LF of a CRLF: the line already ended at its CR.
                lf = false;
                continue;
            }
            lf = false;
            if (b == CR || b == LF) {
                if (lineStart && data) {
                    return true;
                }
                data = data && !lineStart;
                lineStart = true;
                lf = b == CR;
            } else if (lineStart) {
                lineStart = false;
                data = data || isDataField(at);
            }
        }
        return false;
    }

    // "data" then a colon or the end of its line: a data field, which makes the event dispatch.
    private boolean isDataField(int at) {
        if (at + 4 >= limit) {
            return false;
        }
        byte after = buffer[at + 4];
        return buffer[at] == 'd' && buffer[at + 1] == 'a' && buffer[at + 2] == 't' && buffer[at + 3] == 'a'
                && (after == ':' || after == CR || after == LF);
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
        String joined = singleData != null ? singleData : data.toString();
        singleData = null;
        data.setLength(0);
        hasData = false;
        return Optional.of(new ServerSentEvent(eventType, joined, lastEventId));
    }

    private void field(String text) throws IOException {
        int colon = text.indexOf(':');
        int nameEnd = colon < 0 ? text.length() : colon;
        // The name is compared in place: no copy of it per line.
        if (named(text, nameEnd, "data")) {
            data(colon < 0 ? "" : valueAfter(text, colon));
        } else if (named(text, nameEnd, "event")) {
            type = colon < 0 ? "" : valueAfter(text, colon);
        } else if (named(text, nameEnd, "id")) {
            String value = colon < 0 ? "" : valueAfter(text, colon);
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        }
        // "retry" and unknown fields: ignored (see the class comment).
    }

    private static boolean named(String text, int nameEnd, String name) {
        return nameEnd == name.length() && text.startsWith(name);
    }

    // A second data line joins the first in the builder; one line alone is never copied again.
    private void data(String value) throws IOException {
        if (!hasData) {
            singleData = value;
            hasData = true;
        } else {
            if (singleData != null) {
                data.append(singleData);
                singleData = null;
            }
            data.append('\n').append(value);
        }
        held();
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
                held();
                continue;
            }
            afterCr = buffer[end] == CR;
            position = end + 1;
            if (line.size() == 0) {
                return Optional.of(decode(new String(buffer, start, end - start, StandardCharsets.UTF_8)));
            }
            line.write(buffer, start, end - start);
            String text = line.toString(StandardCharsets.UTF_8);
            // Its bytes now live on as the text: counted once, as the event's data (see held()).
            line.reset();
            return Optional.of(decode(text));
        }
    }

    /**
     * Tells {@link #holding} about what the event holds, once it is over {@link #FREE_BYTES} and has
     * grown since: the line being read plus the data joined so far. About, not exactly: the copies
     * made while decoding a line and the spare room of grown buffers are not counted.
     */
    private void held() throws IOException {
        long bytes = (long) line.size() + data.length() + (singleData == null ? 0 : singleData.length());
        if (bytes > FREE_BYTES && bytes > reported) {
            holding.holding(bytes);
            reported = bytes;
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
