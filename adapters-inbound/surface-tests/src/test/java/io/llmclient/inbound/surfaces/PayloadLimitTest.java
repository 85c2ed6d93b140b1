package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import io.llmclient.inbound.support.testing.RawResponse;

class PayloadLimitTest extends HttpTestSupport {
    private static final String TOO_LARGE = """
            {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
             "message":"Request body is larger than the limit of 65536 bytes",
             "data":{"type":"PayloadTooLarge","trace_id":"%s","max_bytes":65536}}}""";

    private static String requestOfSize(int bytes) {
        String head = "{\"jsonrpc\":\"2.0\",\"method\":\"llm.complete\",\"params\":{\"messages\":[{\"role\":\"user\","
                + "\"content\":\"";
        String tail = "\"}],\"trace_id\":\"t-size\"},\"id\":1}";
        return head + "x".repeat(bytes - head.length() - tail.length()) + tail;
    }

    @Test
    void aDeclaredLengthOverTheLimitGets413WithoutTheBodyBeingRead() throws IOException {
        // Only the headers are sent: were the server waiting for the promised body, no answer would come.
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000000\r\nX-Trace-Id: t-declared\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();

            RawResponse response = RawResponse.read(socket.getInputStream());

            assertEquals(413, response.status());
            assertEquals("t-declared", response.headers().get("x-trace-id"));
            assertEquals("application/json", response.headers().get("content-type"));
            assertEquals("close", response.headers().get("connection"));
            assertEquals(parse(TOO_LARGE.formatted("t-declared")), parse(response.body()));
        }
    }

    @Test
    void aClientWaitingFor100ContinueGets413InsteadAndTheConnectionCloses() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Content-Length: 100000\r\nExpect: 100-continue\r\nX-Trace-Id: t-expect\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();

            RawResponse response = RawResponse.read(socket.getInputStream());

            assertEquals(413, response.status());
            assertEquals("close", response.headers().get("connection"));
            assertEquals(parse(TOO_LARGE.formatted("t-expect")), parse(response.body()));
            assertEquals(-1, socket.getInputStream().read(), "nothing may follow the 413");
        }
    }

    @Test
    void aRefusedSizedBodyIsSkippedAndTheConnectionServesTheNextRequest() throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            byte[] tooBig = requestOfSize((int) TestServer.MAX_BYTES + 100).getBytes(StandardCharsets.UTF_8);
            out.write(("POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + tooBig.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(tooBig);
            byte[] next = "{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":\"next\"}"
                    .getBytes(StandardCharsets.UTF_8);
            out.write(("POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + next.length
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(next);
            out.flush();

            RawResponse refused = RawResponse.read(socket.getInputStream());
            RawResponse served = RawResponse.read(socket.getInputStream());

            assertEquals(413, refused.status());
            assertEquals(200, served.status());
            assertEquals("next", parse(served.body()).get("id").textValue());
        }
    }

    @Test
    void aLargeChunkedBodyStillGetsThe413Answer() {
        byte[] body = requestOfSize(4 * 1024 * 1024).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body)), TRACE_HEADER, "t-big");

        assertEquals(413, response.statusCode());
        assertEquals(parse(TOO_LARGE.formatted("t-big")), parse(response.body()));
    }

    @Test
    void aChunkedBodyOverTheLimitGets413() {
        byte[] body = requestOfSize((int) TestServer.MAX_BYTES + 1).getBytes(StandardCharsets.UTF_8);

        // An input stream publisher has no length, so the client sends the body chunked.
        HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body)), TRACE_HEADER, "t-chunked");

        assertEquals(413, response.statusCode());
        assertEquals("t-chunked", traceHeader(response));
        assertEquals(parse(TOO_LARGE.formatted("t-chunked")), parse(response.body()));
    }

    @Test
    void aSizedBodyOverTheLimitGets413() {
        HttpResponse<String> response = post(requestOfSize((int) TestServer.MAX_BYTES + 1), TRACE_HEADER, "t-sized");

        assertEquals(413, response.statusCode());
        assertEquals(parse(TOO_LARGE.formatted("t-sized")), parse(response.body()));
    }

    @Test
    void aBodyExactlyAtTheLimitIsServed() {
        HttpResponse<String> response = post(requestOfSize((int) TestServer.MAX_BYTES));

        assertEquals(200, response.statusCode());
        assertEquals("Hello back", parse(response.body()).get("result").get("content").textValue());
    }

    @Test
    void aChunkedBodyWithinTheLimitIsServed() {
        byte[] body = requestOfSize(1000).getBytes(StandardCharsets.UTF_8);

        HttpResponse<String> response = send(HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(body)));

        JsonNode result = parse(response.body()).get("result");
        assertEquals("t-size", result.get("trace_id").textValue());
    }
}
