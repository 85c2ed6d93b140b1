package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class UnreadableErrorBodyTest {

    @Test
    void anEmptyBodyIsNamedAsSuch() {
        assertEquals("HTTP 502 with an empty body",
                UnreadableErrorBody.describe(502, Optional.of("text/html"), new byte[0], "an OpenAI error"));
    }

    @Test
    void anHtmlPageIsNamedByTypeAndSizeNotByItsMarkup() {
        byte[] page = "  <html><body>Bad gateway</body></html>".getBytes(StandardCharsets.UTF_8);
        assertEquals("HTTP 502 with a body that is not an OpenAI error (text/html, 39 bytes, HTML)",
                UnreadableErrorBody.describe(502, Optional.of("text/html"), page, "an OpenAI error"));
    }

    @Test
    void otherTextIsNamedByTypeAndSize() {
        assertEquals("HTTP 500 with a body that is not an Anthropic error (no content type, 4 bytes)",
                UnreadableErrorBody.describe(500, Optional.empty(), "oops".getBytes(StandardCharsets.UTF_8),
                        "an Anthropic error"));
    }
}
