package io.llmclient.provider.support.http;

import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * Words for an error answer whose body is not the provider's error shape: empty, an HTML page
 * from a proxy or load balancer, or anything else. The markup itself says nothing useful and
 * may be long, so only its content type, its size and whether it looks like HTML are named.
 */
public final class UnreadableErrorBody {
    private static final int SNIFFED_BYTES = 16;

    private UnreadableErrorBody() {
    }

    /**
     * For example {@code HTTP 502 with a body that is not an OpenAI error (text/html, 1234 bytes, HTML)}.
     *
     * @param expected what the body should have been, e.g. {@code "an OpenAI error"}
     */
    public static String describe(int status, Optional<String> contentType, byte[] body, String expected) {
        if (body.length == 0) {
            return "HTTP " + status + " with an empty body";
        }
        String start = new String(body, 0, Math.min(body.length, SNIFFED_BYTES), StandardCharsets.UTF_8).strip();
        return "HTTP " + status + " with a body that is not " + expected + " (" + contentType.orElse("no content type")
                + ", " + body.length + " bytes" + (start.startsWith("<") ? ", HTML" : "") + ")";
    }
}
