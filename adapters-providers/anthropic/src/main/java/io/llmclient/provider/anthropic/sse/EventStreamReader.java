package io.llmclient.provider.anthropic.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * Reads server-sent events one at a time from a blocking character stream, by the WHATWG HTML
 * "event stream interpretation" rules: a line ends in CRLF, LF or CR; a leading BOM is dropped;
 * a line starting with {@code :} is a comment; a line without a colon is a field with an empty
 * value; one space after the colon is dropped; {@code data} lines are joined with LF; a blank
 * line dispatches the event; an event without data is not dispatched (its type is forgotten);
 * an event cut off by the end of the stream is discarded. {@code id} and {@code retry} are
 * ignored: the gateway never reconnects, a dropped stream is a failure.
 *
 * <p>{@link #next()} returns as soon as one event is complete, so each event reaches the caller
 * as the network delivers it, not when the body ends.
 */
public final class EventStreamReader {
    private static final char BOM = '\uFEFF';

    private final BufferedReader lines;
    private boolean atStart = true;

    public EventStreamReader(Reader source) {
        Objects.requireNonNull(source, "source");
        this.lines = source instanceof BufferedReader buffered ? buffered : new BufferedReader(source);
    }

    /** The next event, or {@code null} at the end of the stream. Blocks until one is complete. */
    public ServerSentEvent next() throws IOException {
        var data = new StringBuilder();
        boolean hasData = false;
        String type = "";
        String line;
        // BufferedReader.readLine ends a line at LF, CR or CRLF: exactly the three the spec allows,
        // and it returns at a lone CR without waiting for the next character.
        while ((line = lines.readLine()) != null) {
            if (atStart) {
                atStart = false;
                if (!line.isEmpty() && line.charAt(0) == BOM) {
                    line = line.substring(1);
                }
            }
            if (line.isEmpty()) {
                if (hasData) {
                    return new ServerSentEvent(type.isEmpty() ? ServerSentEvent.DEFAULT_TYPE : type, data.toString());
                }
                type = "";
                continue;
            }
            if (line.charAt(0) == ':') {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : valueAfter(line, colon);
            if (field.equals("data")) {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            } else if (field.equals("event")) {
                type = value;
            }
            // Any other field (id, retry, unknown ones) is ignored, as the class comment says.
        }
        return null;
    }

    private static String valueAfter(String line, int colon) {
        int start = colon + 1;
        if (start < line.length() && line.charAt(start) == ' ') {
            start++;
        }
        return line.substring(start);
    }
}
