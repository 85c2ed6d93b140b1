package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.inbound.support.testing.RawResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP/1.0 requests, as nginx's default {@code proxy_pass} sends them, over a raw socket: each
 * gets a whole HTTP/1.0 answer with {@code Connection: close}, a stream unchunked, and the server
 * closes the connection after it (the socket's read timeout makes a missing close a failure).
 */
class Http10Test {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int READ_TIMEOUT_MS = 5_000;

    private RunningServer server;

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        server = LlmClientServer.start(new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl",
                "LLM_SIMULATOR_INTER_TOKEN_MS", "5")), dir);
    }

    @AfterEach
    void stop() {
        server.stop();
    }

    @Test
    void anHttp10GetIsAnsweredInHttp10AndTheServerClosesTheConnection() throws IOException {
        Raw response = exchange("GET /health HTTP/1.0\r\n\r\n");

        assertEquals("HTTP/1.0 200 OK", response.statusLine());
        assertEquals("close", response.header("connection"));
        assertEquals("UP", JSON.readTree(response.body()).get("status").asText());
    }

    @Test
    void anHttp10LlmCompleteGetsItsWholeAnswer() throws IOException {
        Raw response = exchange(post("/jsonrpc", """
                {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"model":"sim-fast",
                 "messages":[{"role":"user","content":"Hello"}]}}"""));

        assertEquals("HTTP/1.0 200 OK", response.statusLine());
        assertEquals("close", response.header("connection"));
        assertEquals(String.valueOf(response.body().length), response.header("content-length"));
        JsonNode result = JSON.readTree(response.body()).get("result");
        assertEquals("sim-fast", result.get("model").asText());
        assertFalse(result.get("content").asText().isEmpty());
    }

    @Test
    void anHttp10LlmStreamIsSentUnchunkedAndEndedByClosingTheConnection() throws IOException {
        Raw response = exchange(post("/jsonrpc", """
                {"jsonrpc":"2.0","id":1,"method":"llm.stream","params":{"model":"sim-fast",
                 "messages":[{"role":"user","content":"Hello"}]}}"""));

        assertEquals("HTTP/1.0 200 OK", response.statusLine());
        assertEquals("text/event-stream", response.header("content-type"));
        assertEquals("close", response.header("connection"));
        assertEquals(null, response.header("transfer-encoding"), "HTTP/1.0 has no chunked coding");
        assertEquals(null, response.header("content-length"), "a stream's end is the connection's");
        List<String[]> events = events(response.text());
        var text = new StringBuilder();
        for (String[] event : events.subList(0, events.size() - 1)) {
            assertEquals("chunk", event[0]);
            text.append(JSON.readTree(event[1]).get("delta").asText());
        }
        assertEquals("done", events.getLast()[0]);
        assertEquals(JSON.readTree(events.getLast()[1]).at("/result/content").asText(), text.toString());
    }

    @Test
    void anHttp10OpenAiStreamIsSentUnchunkedAndEndsWithDone() throws IOException {
        Raw response = exchange(post("/v1/chat/completions", """
                {"model":"sim-fast","stream":true,"messages":[{"role":"user","content":"Hello"}]}"""));

        assertEquals("HTTP/1.0 200 OK", response.statusLine());
        assertEquals("close", response.header("connection"));
        assertEquals(null, response.header("transfer-encoding"));
        List<String[]> events = events(response.text());
        assertEquals("[DONE]", events.getLast()[1]);
        assertEquals("assistant", JSON.readTree(events.getFirst()[1]).at("/choices/0/delta/role").asText());
        assertTrue(events.size() > 3, response.text());
    }

    @Test
    void anHttp10KeepAliveRequestIsStillAnsweredWithClose() throws IOException {
        Raw response = exchange("GET /health HTTP/1.0\r\nConnection: keep-alive\r\nHost: gateway\r\n\r\n");

        assertEquals("HTTP/1.0 200 OK", response.statusLine());
        assertEquals("close", response.header("connection"));
    }

    @Test
    void anHttp11ConnectionStillServesOneRequestAfterAnother() throws IOException {
        try (Socket socket = connect()) {
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            for (int i = 0; i < 2; i++) {
                out.write("GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                Map<String, String> headers = new LinkedHashMap<>();
                assertEquals("HTTP/1.1 200 OK", RawResponse.readHead(in, headers));
                byte[] body = in.readNBytes(Integer.parseInt(headers.get("content-length")));
                assertEquals("UP", JSON.readTree(body).get("status").asText());
            }
        }
    }

    private static String post(String path, String json) {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        return "POST " + path + " HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                + "\r\n\r\n" + json;
    }

    private Socket connect() throws IOException {
        var socket = new Socket(InetAddress.getLoopbackAddress(), server.port());
        socket.setSoTimeout(READ_TIMEOUT_MS);
        return socket;
    }

    /** Sends the request and reads the answer to the end of the connection. */
    private Raw exchange(String request) throws IOException {
        try (Socket socket = connect()) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            InputStream in = socket.getInputStream();
            var headers = new LinkedHashMap<String, String>();
            String statusLine = RawResponse.readHead(in, headers);
            // Throws SocketTimeoutException when the server keeps the connection open.
            byte[] body = in.readAllBytes();
            return new Raw(statusLine, headers, body);
        }
    }

    /** Each event's name ("message" when unnamed) and data; comment lines skipped. */
    private static List<String[]> events(String text) {
        var events = new ArrayList<String[]>();
        for (String block : text.split("\n\n")) {
            String name = "message";
            String data = null;
            for (String line : block.split("\n")) {
                if (line.startsWith("event: ")) {
                    name = line.substring("event: ".length());
                } else if (line.startsWith("data: ")) {
                    data = line.substring("data: ".length());
                }
            }
            if (data != null) {
                events.add(new String[] {name, data});
            }
        }
        return events;
    }

    private record Raw(String statusLine, Map<String, String> headers, byte[] body) {
        String header(String name) {
            return headers.get(name);
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }
}
