package io.llmclient.provider.gemini.sse;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads a {@code text/event-stream} as the WHATWG HTML standard's "event stream
 * interpretation" says: lines end with CRLF, LF or CR; a blank line dispatches the event;
 * {@code data:} lines are joined with LF; one space after the colon is dropped; comment lines
 * ({@code :}) and unknown fields are ignored; an event with no data is not dispatched; an
 * event cut off by the end of the stream (no blank line after it) is discarded.
 *
 * <p>Pull-based and blocking: {@link #next()} returns as soon as an event's blank line has been
 * read, so a caller sees each event while the upstream is still sending the next.
 */
public final class SseReader {
    /** A line longer than this is refused rather than buffered without bound. */
    public static final int MAX_LINE_BYTES = 4 * 1024 * 1024;

    private static final int CR = '\r';
    private static final int LF = '\n';
    private static final String BOM = "\uFEFF";

    private final InputStream in;
    private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);
    private final StringBuilder data = new StringBuilder();
    private boolean afterCr;
    private boolean firstLine = true;
    private boolean hasData;
    private String eventType = "";
    private String lastEventId;

    /** The stream should be buffered; this reader takes one byte at a time. */
    public SseReader(InputStream in) {
        this.in = Objects.requireNonNull(in, "in");
    }

    /**
     * The next event, or empty at the end of the stream.
     *
     * @throws IOException when reading fails, or a line exceeds {@link #MAX_LINE_BYTES}
     */
    public Optional<SseEvent> next() throws IOException {
        while (true) {
            Optional<String> read = readLine();
            if (read.isEmpty()) {
                return Optional.empty();
            }
            String text = read.get();
            if (text.isEmpty()) {
                Optional<SseEvent> event = dispatch();
                if (event.isPresent()) {
                    return event;
                }
            } else {
                field(text);
            }
        }
    }

    private Optional<SseEvent> dispatch() {
        String type = eventType.isEmpty() ? "message" : eventType;
        eventType = "";
        if (!hasData) {
            return Optional.empty();
        }
        // The standard appends LF after every data line and removes the last one at dispatch.
        String joined = data.substring(0, data.length() - 1);
        data.setLength(0);
        hasData = false;
        return Optional.of(new SseEvent(type, joined, Optional.ofNullable(lastEventId)));
    }

    private void field(String text) {
        if (text.startsWith(":")) {
            return;
        }
        int colon = text.indexOf(':');
        String name = colon < 0 ? text : text.substring(0, colon);
        String value = colon < 0 ? "" : text.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (name) {
            case "data" -> {
                data.append(value).append('\n');
                hasData = true;
            }
            case "event" -> eventType = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    lastEventId = value;
                }
            }
            default -> {
                // "retry" only matters to a reconnecting browser; other names are ignored by the standard.
            }
        }
    }

    /** One line without its terminator, or empty at the end of the stream (a partial last line is dropped). */
    private Optional<String> readLine() throws IOException {
        line.reset();
        while (true) {
            int b = in.read();
            if (b < 0) {
                return Optional.empty();
            }
            if (b == LF && afterCr) {
                afterCr = false;
                continue;
            }
            afterCr = b == CR;
            if (b == CR || b == LF) {
                return Optional.of(decode());
            }
            if (line.size() >= MAX_LINE_BYTES) {
                throw new IOException("event-stream line longer than " + MAX_LINE_BYTES + " bytes");
            }
            line.write(b);
        }
    }

    private String decode() {
        String text = line.toString(StandardCharsets.UTF_8);
        if (firstLine) {
            firstLine = false;
            if (text.startsWith(BOM)) {
                return text.substring(1);
            }
        }
        return text;
    }
}
