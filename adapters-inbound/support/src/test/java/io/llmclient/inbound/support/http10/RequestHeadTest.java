package io.llmclient.inbound.support.http10;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class RequestHeadTest {
    private static String rewrite(String head) {
        return new String(RequestHead.rewrite(head.getBytes(StandardCharsets.ISO_8859_1), "localhost:8080"),
                StandardCharsets.ISO_8859_1);
    }

    @Test
    void theVersionBecomesHttp11WithAHostAndConnectionClose() {
        assertEquals("GET /health HTTP/1.1\r\nHost: localhost:8080\r\nConnection: close\r\n\r\n",
                rewrite("GET /health HTTP/1.0\r\n\r\n"));
    }

    @Test
    void theClientsOwnHostIsKept() {
        assertEquals("POST /jsonrpc HTTP/1.1\r\nHOST: gateway\r\nContent-Length: 2\r\nConnection: close\r\n\r\n",
                rewrite("POST /jsonrpc HTTP/1.0\r\nHOST: gateway\r\nContent-Length: 2\r\n\r\n"));
    }

    @Test
    void aConnectionFieldIsReplacedByClose() {
        assertEquals("GET / HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n",
                rewrite("GET / HTTP/1.0\r\nconnection: keep-alive\r\nHost: h\r\n\r\n"));
    }

    @Test
    void headerBytesOutsideAsciiAreKeptAsTheyAre() {
        assertEquals("GET / HTTP/1.1\r\nHost: h\r\nX-Agent: caf\u00e9\r\nConnection: close\r\n\r\n",
                rewrite("GET / HTTP/1.0\r\nHost: h\r\nX-Agent: caf\u00e9\r\n\r\n"));
    }

    @Test
    void theEndOfTheHeadIsFoundAfterItsEmptyLine() {
        byte[] bytes = "GET / HTTP/1.0\r\nHost: h\r\n\r\n{}".getBytes(StandardCharsets.ISO_8859_1);

        assertEquals(bytes.length - 2, RequestHead.end(bytes, bytes.length));
        assertEquals(-1, RequestHead.end(bytes, 20));
    }

    @Test
    void anIncompleteHeadGetsOnlyItsVersionRewritten() {
        byte[] start = "GET / HTTP/1.0\r\nX-Long: aaaa".getBytes(StandardCharsets.ISO_8859_1);

        assertEquals("GET / HTTP/1.1\r\nX-Long: aaaa",
                new String(RequestHead.rewriteRequestLine(start), StandardCharsets.ISO_8859_1));
    }
}
