package io.llmclient.inbound.support.http10;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ResponseTranslationTest {
    private static final String STREAM_HEAD = "HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\n"
            + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n";

    private static String feed(ResponseTranslation translation, String... writes) {
        var out = new StringBuilder();
        for (String write : writes) {
            out.append(new String(translation.translate(write.getBytes(StandardCharsets.ISO_8859_1)),
                    StandardCharsets.ISO_8859_1));
        }
        return out.toString();
    }

    @Test
    void aChunkedStreamIsUnchunkedAndEndsAtItsLastChunk() {
        var translation = new ResponseTranslation(false);

        String out = feed(translation, STREAM_HEAD, "f\r\ndata: {\"a\":1}\n\n\r\n", "e\r\n: keep-alive\n\n\r\n");
        assertFalse(translation.ended());
        out += feed(translation, "0\r\n\r\n");

        assertEquals("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n"
                + "data: {\"a\":1}\n\n: keep-alive\n\n", out);
        assertTrue(translation.ended());
    }

    @Test
    void chunkFramingSplitAcrossWritesIsStillRead() {
        var translation = new ResponseTranslation(false);

        String out = feed(translation, STREAM_HEAD.substring(0, 20), STREAM_HEAD.substring(20), "0", "a\r", "\n0123",
                "456789\r", "\n", "0\r\nTrailer-A: x\r\n", "\r\n");

        assertEquals("HTTP/1.0 200 OK\r\nContent-Type: text/event-stream\r\nConnection: close\r\n\r\n0123456789", out);
        assertTrue(translation.ended());
    }

    @Test
    void aBodyOfKnownLengthKeepsItAndEndsWithIt() {
        var translation = new ResponseTranslation(false);

        String out = feed(translation, "HTTP/1.1 413 Request Entity Too Large\r\nContent-Length: 2\r\n"
                + "Connection: keep-alive\r\n\r\n{", "}");

        assertEquals("HTTP/1.0 413 Request Entity Too Large\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}", out);
        assertTrue(translation.ended());
    }

    @Test
    void anInterimResponseIsDropped() {
        var translation = new ResponseTranslation(false);

        String out = feed(translation, "HTTP/1.1 100 Continue\r\n\r\n", "HTTP/1.1 204 No Content\r\n\r\n");

        assertEquals("HTTP/1.0 204 No Content\r\nConnection: close\r\n\r\n", out);
        assertTrue(translation.ended());
    }

    @Test
    void theAnswerToHeadEndsWithItsHead() {
        var translation = new ResponseTranslation(true);

        String out = feed(translation, "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");

        assertEquals("HTTP/1.0 200 OK\r\nContent-Length: 42\r\nConnection: close\r\n\r\n", out);
        assertTrue(translation.ended());
    }

    @Test
    void nothingIsSentAfterTheEnd() {
        var translation = new ResponseTranslation(false);
        feed(translation, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n");

        assertEquals("", feed(translation, "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n"));
    }
}
