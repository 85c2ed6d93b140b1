package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A chunk size of {@code ffffffffffffffff} on the whole service, over a raw socket: HTTP 400 in
 * the JSON-RPC shape at once, then the connection ends. The socket's 5 s read timeout fails a
 * server that waits for more of the body instead (it used to wait 12 s, then answer 500).
 */
class ChunkedFramingTest {
    @TempDir
    Path dir;

    @Test
    void anAbsurdChunkSizeIsABadRequestAnsweredAtOnce() throws IOException {
        try (var server = LlmClientServer.start(new HashMap<>(Map.of("SERVER_PORT", "0",
                "LLM_AUDIT_LOG_FILE", "audit.jsonl")), dir);
             var socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\nffffffffffffffff\r\n{\"jsonrpc\":\"2.0\"")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

            assertTrue(answer.startsWith("HTTP/1.1 400 Bad Request\r\n"), answer);
            assertTrue(answer.contains("\r\nConnection: close\r\n"), answer);
            String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
            assertTrue(body.contains("\"code\":-32600"), body);
            assertTrue(body.contains("\"type\":\"InvalidRequest\""), body);
            assertEquals(-1, socket.getInputStream().read());
        }
    }
}
