package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 2: clients that send their requests slowly. A body is read before the request
 * takes an in-flight slot, within {@code LLM_REQUEST_READ_TIMEOUT} of the request line (else 408
 * in the surface's shape), and within the body budget (else 503); headers that trickle get the
 * connection closed.
 */
class SlowClientsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String COMPLETE = """
            {"jsonrpc":"2.0","id":1,"method":"llm.complete","params":{"messages":[{"role":"user","content":"Hi"}]}}""";
    private static final String CHAT = """
            {"model":"sim-fast","messages":[{"role":"user","content":"Hi"}]}""";

    @TempDir
    Path dir;

    private RunningServer start(Map<String, String> env) {
        var all = new HashMap<>(Map.of("SERVER_PORT", "0", "LLM_AUDIT_LOG_FILE", "audit.jsonl"));
        all.putAll(env);
        return LlmClientServer.start(all, dir);
    }

    /** Sends the request line, the headers and the first {@code sent} bytes of {@code body}; no more. */
    private static Socket partial(int port, String path, String body, int sent) throws IOException {
        var socket = new Socket("127.0.0.1", port);
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                + "X-Trace-Id: slow-1\r\nContent-Length: " + bytes.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(bytes, 0, sent);
        socket.getOutputStream().flush();
        return socket;
    }

    /** Everything the server sends until it closes the connection (or 10 s pass). */
    private static String readToClose(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        var out = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                out.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("connection still open after 10 s; so far: " + out);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static JsonNode bodyOf(String response) throws IOException {
        return JSON.readTree(response.substring(response.indexOf("\r\n\r\n") + 4));
    }

    private static HttpResponse<String> post(int port, String path, String body, Duration within) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(within).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void sixHundredSlowBodiesLeaveTheSlotsToCallersWhoseBodiesAreIn() throws Exception {
        try (RunningServer server = start(Map.of())) {
            var slow = new ArrayList<Socket>();
            try {
                for (int i = 0; i < 600; i++) {
                    slow.add(partial(server.port(), i % 2 == 0 ? "/jsonrpc" : "/v1/chat/completions", COMPLETE, 1));
                }
                // The control call must be answered while all 600 still hold their connections.
                HttpResponse<String> control = post(server.port(), "/jsonrpc", COMPLETE, Duration.ofSeconds(2));
                assertEquals(200, control.statusCode(), control.body());
                assertEquals("stop", JSON.readTree(control.body()).at("/result/finish_reason").asText());
            } finally {
                for (Socket socket : slow) {
                    socket.close();
                }
            }
        }
    }

    @Test
    void aBodyStillArrivingAtTheReadTimeoutIs408InJsonRpcShape() throws Exception {
        try (RunningServer server = start(Map.of("LLM_REQUEST_READ_TIMEOUT", "0.5"));
             Socket socket = partial(server.port(), "/jsonrpc", COMPLETE, 10)) {
            String response = readToClose(socket);

            assertTrue(response.startsWith("HTTP/1.1 408 "), response);
            assertTrue(response.contains("\r\nConnection: close\r\n"), response);
            assertTrue(response.contains("\r\nX-Trace-Id: slow-1\r\n"), response);
            JsonNode body = bodyOf(response);
            assertEquals(-32600, body.at("/error/code").asInt());
            assertEquals("RequestTimeout", body.at("/error/data/type").asText());
            assertEquals("slow-1", body.at("/error/data/trace_id").asText());
            assertTrue(body.get("id").isNull());
        }
    }

    @Test
    void aBodyStillArrivingAtTheReadTimeoutIs408InOpenAiShape() throws Exception {
        try (RunningServer server = start(Map.of("LLM_REQUEST_READ_TIMEOUT", "0.5"));
             Socket socket = partial(server.port(), "/v1/chat/completions", CHAT, 10)) {
            String response = readToClose(socket);

            assertTrue(response.startsWith("HTTP/1.1 408 "), response);
            JsonNode error = bodyOf(response).get("error");
            assertEquals("request_timeout", error.get("code").asText());
            assertEquals("invalid_request_error", error.get("type").asText());
        }
    }

    @Test
    void headersStillArrivingAtTheReadTimeoutGetTheConnectionClosed() throws Exception {
        try (RunningServer server = start(Map.of("LLM_REQUEST_READ_TIMEOUT", "0.5"));
             var socket = new Socket("127.0.0.1", server.port())) {
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));

            assertEquals("", readToClose(socket));
            // The service itself is fine.
            assertEquals(200, HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/health")).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode());
        }
    }

    @Test
    void aRequestReadInTimeIsNotCutByTheReadTimeoutLater() throws Exception {
        // The deadline covers the reading only: a call that takes longer than it once read is answered.
        try (RunningServer server = start(Map.of("LLM_REQUEST_READ_TIMEOUT", "0.3", "LLM_SIMULATOR_TTFT_MS", "800"))) {
            HttpResponse<String> answer = post(server.port(), "/jsonrpc", COMPLETE, Duration.ofSeconds(10));
            assertEquals(200, answer.statusCode(), answer.body());
            assertEquals("stop", JSON.readTree(answer.body()).at("/result/finish_reason").asText());
        }
    }

    @Test
    void bodiesBeyondTheBodyBudgetAre503UntilTheBudgetIsFreeAgain() throws Exception {
        int half = COMPLETE.length();
        try (RunningServer server = start(Map.of("LLM_BODY_BUFFER_BYTES", Integer.toString(half + half / 2)))) {
            try (Socket holder = partial(server.port(), "/jsonrpc", COMPLETE, 1)) {
                // Give the first body time to take its share before the second asks.
                Thread.sleep(300);
                HttpResponse<String> refused = post(server.port(), "/v1/chat/completions", CHAT, Duration.ofSeconds(5));
                assertEquals(503, refused.statusCode(), refused.body());
                assertEquals("overloaded", JSON.readTree(refused.body()).at("/error/code").asText());
                assertEquals("1", refused.headers().firstValue("Retry-After").orElseThrow());

                holder.getOutputStream().write(COMPLETE.substring(1).getBytes(StandardCharsets.UTF_8));
                String answered = readAnswer(holder);
                assertTrue(answered.startsWith("HTTP/1.1 200 "), answered);
            }
            HttpResponse<String> after = post(server.port(), "/jsonrpc", COMPLETE, Duration.ofSeconds(5));
            assertEquals(200, after.statusCode(), after.body());
        }
    }

    /** The head and the Content-Length body of one answer on a kept-alive connection. */
    private static String readAnswer(Socket socket) throws IOException {
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        var out = new ByteArrayOutputStream();
        while (!out.toString(StandardCharsets.ISO_8859_1).contains("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            out.write(b);
        }
        String head = out.toString(StandardCharsets.ISO_8859_1);
        var length = java.util.regex.Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        if (length.find()) {
            out.write(in.readNBytes(Integer.parseInt(length.group(1))));
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
