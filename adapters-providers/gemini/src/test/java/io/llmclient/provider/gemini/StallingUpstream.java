package io.llmclient.provider.gemini;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in upstream that sends a 200 {@code text/event-stream} head and one complete HTTP chunk
 * at once, then says nothing until closed. WireMock cannot stage this: its dribble sleeps before
 * the first chunk as well, and Jetty sends the CRLF that ends a chunk only with the next one.
 */
final class StallingUpstream implements AutoCloseable {
    private final ServerSocket server;
    private final CountDownLatch closed = new CountDownLatch(1);
    private final Thread acceptor;

    StallingUpstream(byte[] firstChunk) {
        try {
            server = new ServerSocket(0);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        acceptor = Thread.ofVirtual().name("stalling-upstream").start(() -> serve(firstChunk));
    }

    URI baseUrl() {
        return URI.create("http://127.0.0.1:" + server.getLocalPort());
    }

    private void serve(byte[] firstChunk) {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Thread.ofVirtual().start(() -> answer(socket, firstChunk));
            } catch (IOException closedOrFailed) {
                return;
            }
        }
    }

    private void answer(Socket socket, byte[] firstChunk) {
        try (socket) {
            readRequest(socket.getInputStream());
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + Integer.toHexString(firstChunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(firstChunk);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            closed.await(30, TimeUnit.SECONDS);
        } catch (IOException clientLeft) {
            // The adapter closing its side is one of the outcomes under test.
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads the head and a Content-Length body, so the client is never blocked writing. */
    private static void readRequest(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                return;
            }
            head.append((char) b);
        }
        int length = head.toString().lines()
                .filter(line -> line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:"))
                .map(line -> Integer.parseInt(line.substring(line.indexOf(':') + 1).strip()))
                .findFirst().orElse(0);
        in.readNBytes(length);
    }

    @Override
    public void close() {
        closed.countDown();
        try {
            server.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
        acceptor.interrupt();
    }
}
