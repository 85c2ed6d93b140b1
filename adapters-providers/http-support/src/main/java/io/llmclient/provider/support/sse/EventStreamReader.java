package io.llmclient.provider.support.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
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
 *
 * <p>Lines are taken apart as bytes: a data line's value is copied once, from the read buffer into
 * the event, and never decoded here. A decoder may parse those bytes as they are
 * ({@link ServerSentEvent#parsableData()}); the text is decoded only when asked for.
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
    private static final byte[] BOM = {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF};
    private static final byte[] DATA = "data".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EVENT = "event".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = "id".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NONE = new byte[0];

    private final InputStream in;
    private final long maxLineBytes;
    private final Holding holding;
    private final byte[] buffer = new byte[READ_BYTES];
    private int position;
    private int limit;
    /** The start of a line that spans reads: its first {@link #spilled} bytes (none while in {@link #buffer}). */
    private byte[] spill = NONE;
    private int spilled;
    /** The line just read: {@link #lineFrom} to {@link #lineTo} of this array ({@link #buffer} or {@link #spill}). */
    private byte[] lineBytes;
    private int lineFrom;
    private int lineTo;
    /** Data lines after the first, joined with LF behind it. */
    private ByteArrayOutputStream data = new ByteArrayOutputStream(0);
    /** The event's first data line (the usual event has one): passed on as it is, no copy into {@link #data}. */
    private byte[] singleData;
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
            spill = NONE;
            data = new ByteArrayOutputStream(0);
            reported = 0;
            holding.holding(0);
        }
        while (readLine()) {
            if (lineFrom == lineTo) {
                Optional<ServerSentEvent> event = dispatch();
                if (event.isPresent()) {
                    return event;
                }
            } else if (lineBytes[lineFrom] != ':') {
                field();
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
        if (spilled > 0 || hasData || firstLine) {
            return false;
        }
        if (!afterCr && isDataField(position)) {
            // The usual event, a data line and a blank line ending in LF, told by one tight scan.
            int end = endOfLine(position + 4);
            if (end == limit) {
                // Its first line has not ended yet.
                return false;
            }
            if (buffer[end] == LF && end + 1 < limit && buffer[end + 1] == LF) {
                return true;
            }
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
        byte[] joined = singleData != null ? singleData : data.toByteArray();
        singleData = null;
        data.reset();
        hasData = false;
        return Optional.of(ServerSentEvent.ofUtf8(eventType, joined, lastEventId));
    }

    // The line just read, not blank and not a comment. The name is compared in place: no copy of it per line.
    private void field() throws IOException {
        int colon = indexOfColon();
        int nameEnd = colon < 0 ? lineTo : colon;
        int valueFrom = colon < 0 ? lineTo : valueStart(colon);
        if (named(nameEnd, DATA)) {
            data(valueFrom);
        } else if (named(nameEnd, EVENT)) {
            type = text(valueFrom);
        } else if (named(nameEnd, ID)) {
            String value = text(valueFrom);
            if (value.indexOf('\0') < 0) {
                lastEventId = value;
            }
        }
        // "retry" and unknown fields: ignored (see the class comment).
    }

    private int indexOfColon() {
        for (int at = lineFrom; at < lineTo; at++) {
            if (lineBytes[at] == ':') {
                return at;
            }
        }
        return -1;
    }

    // One space after the colon is dropped.
    private int valueStart(int colon) {
        int start = colon + 1;
        return start < lineTo && lineBytes[start] == ' ' ? start + 1 : start;
    }

    private boolean named(int nameEnd, byte[] name) {
        return Arrays.equals(lineBytes, lineFrom, nameEnd, name, 0, name.length);
    }

    // A whole line decodes on its own: no UTF-8 sequence contains the bytes of CR or LF.
    private String text(int from) {
        return new String(lineBytes, from, lineTo - from, StandardCharsets.UTF_8);
    }

    // A second data line joins the first in the builder; one line alone is never copied again.
    private void data(int from) throws IOException {
        if (!hasData) {
            singleData = Arrays.copyOfRange(lineBytes, from, lineTo);
            hasData = true;
        } else {
            if (singleData != null) {
                data.write(singleData, 0, singleData.length);
                singleData = null;
            }
            data.write(LF);
            data.write(lineBytes, from, lineTo - from);
        }
        held();
    }

    /**
     * Reads one line: true with the line (without its terminator) at {@link #lineBytes}, or false at
     * the end of the stream (a partial last line is dropped).
     */
    private boolean readLine() throws IOException {
        spilled = 0;
        while (true) {
            if (position == limit && !fill()) {
                return false;
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
            if (spilled + (long) (end - start) > maxLineBytes) {
                throw new IOException("event-stream line longer than " + maxLineBytes + " bytes");
            }
            if (end == limit) {
                spill(start, end);
                position = limit;
                held();
                continue;
            }
            afterCr = buffer[end] == CR;
            position = end + 1;
            if (spilled == 0) {
                line(buffer, start, end);
            } else {
                spill(start, end);
                line(spill, 0, spilled);
                // Its bytes now live on in the event's data: counted once, there (see held()).
                spilled = 0;
            }
            return true;
        }
    }

    private void line(byte[] bytes, int from, int to) {
        lineBytes = bytes;
        lineFrom = from;
        lineTo = to;
        if (firstLine) {
            firstLine = false;
            if (Arrays.equals(bytes, from, Math.min(to, from + BOM.length), BOM, 0, BOM.length)) {
                lineFrom += BOM.length;
            }
        }
    }

    // The part of a line that spans reads, kept until its end arrives.
    private void spill(int from, int to) {
        int length = to - from;
        if (spilled + length > spill.length) {
            spill = Arrays.copyOf(spill, Math.max(spilled + length, 2 * spill.length));
        }
        System.arraycopy(buffer, from, spill, spilled, length);
        spilled += length;
    }

    /**
     * Tells {@link #holding} about what the event holds, once it is over {@link #FREE_BYTES} and has
     * grown since: the line being read plus the data joined so far. About, not exactly: the spare
     * room of grown buffers is not counted.
     */
    private void held() throws IOException {
        long bytes = (long) spilled + data.size() + (singleData == null ? 0 : singleData.length);
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
}
