package io.llmclient.inbound.support.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/** A plain socket client, for what an HTTP client library will not do: hang up mid-stream, or never read. */
public final class RawClient {
    private RawClient() {
    }

    /** Opens a connection and sends one POST with a JSON body; the response is left unread. */
    public static Socket post(int port, String path, String json, int receiveBuffer) throws IOException {
        var socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new java.net.InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        String head = "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\n\r\n";
        socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().write(body);
        socket.getOutputStream().flush();
        return socket;
    }

    /** Reads until {@code marker} has been seen; throws when the stream ends first. */
    public static void readUntil(InputStream in, String marker) throws IOException {
        var seen = new StringBuilder();
        byte[] buffer = new byte[1024];
        while (seen.indexOf(marker) < 0) {
            int n = in.read(buffer);
            if (n < 0) {
                throw new IOException("stream ended before " + marker + ": " + seen);
            }
            seen.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
        }
    }

    /** Waits until the condition holds, up to a generous bound; not a timing assertion. */
    public static void await(BooleanSupplier condition, Duration atMost, String what) {
        long deadline = System.nanoTime() + atMost.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + atMost + ": " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    public static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
