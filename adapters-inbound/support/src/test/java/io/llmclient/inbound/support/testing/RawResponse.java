package io.llmclient.inbound.support.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A minimal HTTP/1.1 response reader for a response with a Content-Length. */
public record RawResponse(int status, Map<String, String> headers, String body) {
    public static RawResponse read(InputStream in) throws IOException {
        var headers = new LinkedHashMap<String, String>();
        int status = Integer.parseInt(readHead(in, headers).split(" ")[1]);
        byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
        return new RawResponse(status, headers, new String(body, StandardCharsets.UTF_8));
    }

    /**
     * Reads a response head: returns its status line and puts each header into {@code headers},
     * its name in lower case. The body is left unread, whatever its framing.
     */
    public static String readHead(InputStream in, Map<String, String> headers) throws IOException {
        String statusLine = line(in);
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        return statusLine;
    }

    private static String line(InputStream in) throws IOException {
        var bytes = new ByteArrayOutputStream();
        for (int b = in.read(); b != '\n'; b = in.read()) {
            if (b < 0) {
                throw new IOException("connection closed mid-line");
            }
            if (b != '\r') {
                bytes.write(b);
            }
        }
        return bytes.toString(StandardCharsets.US_ASCII);
    }
}
