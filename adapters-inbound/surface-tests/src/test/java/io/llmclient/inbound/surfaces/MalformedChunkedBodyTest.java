package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import io.llmclient.inbound.support.testing.RawResponse;

/**
 * Chunked bodies whose framing Helidon's decoder refuses get HTTP 400 at once in the surface's
 * error shape, with {@code Connection: close}, and the connection ends. The socket's read timeout
 * (5 s) is what fails a server that waits for more of the body instead (it waited 12 s, then
 * answered 500).
 */
class MalformedChunkedBodyTest extends HttpTestSupport {
    private static final String BODY = "{\"jsonrpc\":\"2.0\",\"method\":\"llm.models\",\"id\":1}";

    /** Sends the head and one chunk-size line with a little of a chunk, and no more. */
    private static RawResponse send(String path, String chunkSizeLine) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\nX-Trace-Id: t-chunk\r\n\r\n" + chunkSizeLine + "\r\n" + BODY)
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            RawResponse response = RawResponse.read(socket.getInputStream());
            assertEquals(-1, socket.getInputStream().read(), "the connection ends after the answer");
            return response;
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffffffffffffffff", "80000000", "zz", "-1"})
    void aChunkSizeThatIsNoSizeIsABadRequestAtJsonRpc(String chunkSize) throws IOException {
        RawResponse response = send("/jsonrpc", chunkSize);

        assertEquals(400, response.status());
        assertEquals("close", response.headers().get("connection"));
        assertEquals("t-chunk", response.headers().get("x-trace-id"));
        assertEquals(parse("""
                {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                 "message":"Invalid Request: the request body's chunked encoding is malformed",
                 "data":{"type":"InvalidRequest","trace_id":"t-chunk"}}}"""), parse(response.body()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ffffffffffffffff", "80000000"})
    void aChunkSizeThatIsNoSizeIsABadRequestOnTheOpenAiSurface(String chunkSize) throws IOException {
        RawResponse response = send("/v1/chat/completions", chunkSize);

        assertEquals(400, response.status());
        assertEquals("close", response.headers().get("connection"));
        JsonNode error = parse(response.body()).get("error");
        assertEquals("invalid_request_error", error.get("type").textValue());
        assertEquals("malformed_body", error.get("code").textValue());
    }
}
