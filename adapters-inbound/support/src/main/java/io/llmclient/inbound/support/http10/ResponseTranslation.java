package io.llmclient.inbound.support.http10;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Turns the HTTP/1.1 response Helidon writes, byte by byte as it is written, into the HTTP/1.0
 * response an HTTP/1.0 client reads: status line {@code HTTP/1.0}, {@code Connection: close}, and
 * a chunked body (a stream) unchunked, since HTTP/1.0 has no chunked coding (RFC 9112 section
 * 6.1: a server must not send one to a 1.0 client). Such a body is ended by closing the
 * connection, which the service does once {@link #ended()}; a body of known length keeps its
 * {@code Content-Length}. Interim 1xx responses are dropped (HTTP/1.0 has none), trailers too.
 *
 * <p>Fed from one writer at a time (Helidon writes a response from one thread, and a stream's
 * writes are serialized by its lock), in order.
 */
final class ResponseTranslation {
    private enum State { HEAD, BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILERS, ENDED }

    private static final String CRLF = "\r\n";
    private static final int EMPTY_LINE = ('\r' << 24) | ('\n' << 16) | ('\r' << 8) | '\n';

    private final boolean headRequest;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private State state = State.HEAD;
    // BODY: bytes of Content-Length still to come, -1 when ended by closing; CHUNK_DATA: of the chunk.
    private long remaining;
    // The last four bytes of the head being read, to find the empty line that ends it.
    private int lastFour;
    private volatile boolean ended;

    /** For a response to a {@code HEAD} request when {@code headRequest}: it ends with its head. */
    ResponseTranslation(boolean headRequest) {
        this.headRequest = headRequest;
    }

    /** Whether the whole response has been written: nothing more belongs to it. */
    boolean ended() {
        return ended;
    }

    /** The bytes to send for {@code in}, which follows what earlier calls were given. */
    byte[] translate(byte[] in) {
        var out = new ByteArrayOutputStream(in.length + 64);
        int i = 0;
        while (i < in.length) {
            switch (state) {
                case HEAD -> i = head(in, i, out);
                case BODY -> i = body(in, i, out);
                case CHUNK_SIZE -> i = chunkSize(in, i);
                case CHUNK_DATA -> i = chunkData(in, i, out);
                case CHUNK_END -> {
                    // The CRLF after a chunk's data.
                    int skipped = (int) Math.min(remaining, in.length - i);
                    remaining -= skipped;
                    i += skipped;
                    if (remaining == 0) {
                        state = State.CHUNK_SIZE;
                    }
                }
                case TRAILERS -> i = trailers(in, i);
                case ENDED -> i = in.length;
            }
        }
        return out.toByteArray();
    }

    private int head(byte[] in, int from, ByteArrayOutputStream out) {
        int i = from;
        while (i < in.length) {
            byte b = in[i++];
            pending.write(b);
            lastFour = (lastFour << 8) | (b & 0xff);
            if (lastFour == EMPTY_LINE) {
                String head = pending.toString(StandardCharsets.ISO_8859_1);
                pending.reset();
                lastFour = 0;
                translateHead(head, out);
                return i;
            }
        }
        return i;
    }

    private void translateHead(String head, ByteArrayOutputStream out) {
        String[] lines = head.split(CRLF);
        String statusLine = lines[0];
        int status = status(statusLine);
        if (status >= 100 && status < 200) {
            // An interim response (100 Continue): HTTP/1.0 has none.
            return;
        }
        var text = new StringBuilder(head.length());
        text.append("HTTP/1.0").append(statusLine.substring(statusLine.indexOf(' '))).append(CRLF);
        boolean chunked = false;
        long length = -1;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            int colon = line.indexOf(':');
            String name = line.substring(0, Math.max(colon, 0)).trim().toLowerCase(Locale.ROOT);
            String value = line.substring(colon + 1).trim();
            switch (name) {
                case "transfer-encoding" -> chunked = value.toLowerCase(Locale.ROOT).contains("chunked");
                case "connection", "keep-alive" -> {
                    // Replaced by Connection: close below.
                }
                default -> {
                    if (name.equals("content-length")) {
                        length = Long.parseLong(value);
                    }
                    text.append(line).append(CRLF);
                }
            }
        }
        text.append("Connection: close").append(CRLF).append(CRLF);
        out.writeBytes(text.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (headRequest || status == 204 || status == 304) {
            end();
        } else if (chunked) {
            state = State.CHUNK_SIZE;
        } else if (length == 0) {
            end();
        } else {
            state = State.BODY;
            remaining = length;
        }
    }

    private int body(byte[] in, int from, ByteArrayOutputStream out) {
        int n = remaining < 0 ? in.length - from : (int) Math.min(remaining, in.length - from);
        out.write(in, from, n);
        if (remaining > 0) {
            remaining -= n;
            if (remaining == 0) {
                end();
            }
        }
        return from + n;
    }

    private int chunkSize(byte[] in, int from) {
        int i = line(in, from);
        if (i < 0) {
            return in.length;
        }
        String line = pending.toString(StandardCharsets.ISO_8859_1).trim();
        pending.reset();
        int extension = line.indexOf(';');
        long size = Long.parseLong((extension < 0 ? line : line.substring(0, extension)).trim(), 16);
        if (size == 0) {
            state = State.TRAILERS;
        } else {
            state = State.CHUNK_DATA;
            remaining = size;
        }
        return i;
    }

    private int chunkData(byte[] in, int from, ByteArrayOutputStream out) {
        int n = (int) Math.min(remaining, in.length - from);
        out.write(in, from, n);
        remaining -= n;
        if (remaining == 0) {
            state = State.CHUNK_END;
            remaining = 2;
        }
        return from + n;
    }

    private int trailers(byte[] in, int from) {
        int i = line(in, from);
        if (i < 0) {
            return in.length;
        }
        boolean last = pending.size() == 0;
        pending.reset();
        if (last) {
            end();
        }
        return i;
    }

    /**
     * Adds bytes of {@code in} to the pending line up to and including its LF; returns the index
     * after the LF, or -1 when the line goes on in the next write. The CRLF is not kept.
     */
    private int line(byte[] in, int from) {
        for (int i = from; i < in.length; i++) {
            byte b = in[i];
            if (b == '\n') {
                return i + 1;
            }
            if (b != '\r') {
                pending.write(b);
            }
        }
        return -1;
    }

    private void end() {
        state = State.ENDED;
        ended = true;
    }

    private static int status(String statusLine) {
        String[] parts = statusLine.split(" ", 3);
        return parts.length < 2 ? 0 : Integer.parseInt(parts[1]);
    }
}
