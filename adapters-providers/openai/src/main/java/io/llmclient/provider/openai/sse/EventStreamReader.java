package io.llmclient.provider.openai.sse;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.util.Objects;

/**
 * Reads server-sent events one at a time from a blocking character stream, following the
 * WHATWG HTML "event stream interpretation" rules: lines end in CRLF, LF or CR; a leading BOM
 * is dropped; a line starting with {@code :} is a comment; a line without a colon is a field
 * with an empty value; one space after the colon is dropped; {@code data} lines are joined by
 * LF; a blank line dispatches; an event with no data is not dispatched; an event cut off by the
 * end of the stream (no closing blank line) is discarded.
 *
 * <p>Helidon 4.5 ships a client-side reader ({@code helidon-webclient-sse}), but it departs
 * from these rules where it matters to us: it joins multi-line data without the LF, strips
 * every leading space, and fails on an empty first line (see this module's README).
 *
 * <p>Each call to {@link #next()} returns as soon as one event is complete, so a caller sees
 * each event as the network delivers it. The {@code retry} field is ignored: we never reconnect
 * (a dropped stream is a failure the caller sees).
 */
public final class EventStreamReader {
    private static final char BOM = '\uFEFF';

    private final BufferedReader lines;
    private boolean firstLine = true;
    private String lastEventId = "";

    public EventStreamReader(Reader source) {
        Objects.requireNonNull(source, "source");
        this.lines = source instanceof BufferedReader buffered ? buffered : new BufferedReader(source);
    }

    /**
     * The next event, or {@code null} when the stream has ended. Blocks until an event is
     * complete or the stream ends.
     */
    public ServerSentEvent next() throws IOException {
        var data = new StringBuilder();
        boolean hasData = false;
        String type = "";
        String line;
        // BufferedReader.readLine ends a line at LF, CR or CRLF, exactly the three the spec allows.
        while ((line = lines.readLine()) != null) {
            if (firstLine) {
                firstLine = false;
                if (!line.isEmpty() && line.charAt(0) == BOM) {
                    line = line.substring(1);
                }
            }
            if (line.isEmpty()) {
                if (hasData) {
                    return new ServerSentEvent(type.isEmpty() ? ServerSentEvent.DEFAULT_TYPE : type,
                            data.toString(), lastEventId);
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
            switch (field) {
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
