package io.llmclient.inbound.support.http10;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Rewrites the head of an HTTP/1.0 request (request line and header fields) into the HTTP/1.1
 * request Helidon's parser accepts: the version becomes {@code HTTP/1.1}, a missing {@code Host}
 * is supplied (HTTP/1.1 requires one, HTTP/1.0 clients often send none), and any
 * {@code Connection} field is replaced by {@code Connection: close}, so that the answer is the
 * connection's only one and is sent to be ended by the server closing it.
 */
final class RequestHead {
    private static final String CRLF = "\r\n";
    private static final String HTTP_1_0 = " HTTP/1.0";
    private static final String HTTP_1_1 = " HTTP/1.1";

    private RequestHead() {
    }

    /**
     * The rewritten head. {@code head} holds the request line and the header fields, each ended by
     * CRLF, and the empty line that ends them; header bytes are octets, kept as they are.
     *
     * @param defaultHost the {@code Host} value to add when the request has none
     */
    static byte[] rewrite(byte[] head, String defaultHost) {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split(CRLF, -1);
        var out = new StringBuilder(text.length() + 64);
        String requestLine = lines[0];
        if (requestLine.endsWith(HTTP_1_0)) {
            requestLine = requestLine.substring(0, requestLine.length() - HTTP_1_0.length()) + HTTP_1_1;
        }
        out.append(requestLine).append(CRLF);
        boolean host = false;
        boolean dropping = false;
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                // The end of the header fields (the split leaves one more empty string after it).
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                // An obsolete folded continuation belongs to the field before it.
                if (!dropping) {
                    out.append(line).append(CRLF);
                }
                continue;
            }
            String name = fieldName(line);
            dropping = name.equals("connection");
            host |= name.equals("host");
            if (!dropping) {
                out.append(line).append(CRLF);
            }
        }
        if (!host) {
            out.append("Host: ").append(defaultHost).append(CRLF);
        }
        out.append("Connection: close").append(CRLF).append(CRLF);
        return out.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** {@code bytes}, the start of a request, with only its request line's version rewritten. */
    static byte[] rewriteRequestLine(byte[] bytes) {
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int eol = text.indexOf(CRLF);
        if (eol < 0 || !text.substring(0, eol).endsWith(HTTP_1_0)) {
            return bytes;
        }
        String line = text.substring(0, eol - HTTP_1_0.length()) + HTTP_1_1;
        return (line + text.substring(eol)).getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Where the head ends in {@code bytes} (the index after its empty line), or -1 when not in them. */
    static int end(byte[] bytes, int length) {
        for (int i = 3; i < length; i++) {
            if (bytes[i] == '\n' && bytes[i - 1] == '\r' && bytes[i - 2] == '\n' && bytes[i - 3] == '\r') {
                return i + 1;
            }
        }
        return -1;
    }

    private static String fieldName(String line) {
        int colon = line.indexOf(':');
        return (colon < 0 ? line : line.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    }
}
