package io.llmclient.provider.support.http;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A plain HTTP/1.1 server on a raw socket that counts what a connection pool cannot hide: the
 * connections it accepted and the requests it read whole. Every answer is {@code 200 {"n":N}}
 * with a length and no {@code Connection: close}; after {@code answersPerConnection} answers it
 * closes the connection on its own, as a server whose keep-alive timeout ran out does.
 * {@code answersPerConnection} 0 closes every connection unanswered.
 */
final class KeepAliveServer implements AutoCloseable {
    private final ServerSocket socket;
    private final int answersPerConnection;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    KeepAliveServer(int answersPerConnection) throws IOException {
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        this.answersPerConnection = answersPerConnection;
        Thread.ofVirtual().start(this::accept);
    }

    URI uri() {
        return URI.create("http://127.0.0.1:" + socket.getLocalPort() + "/v1/call");
    }

    int connections() {
        return connections.get();
    }

    int requests() {
        return requests.get();
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket connection = socket.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> serve(connection));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket connection) {
        try (connection) {
            InputStream in = new BufferedInputStream(connection.getInputStream());
            OutputStream out = connection.getOutputStream();
            for (int answered = 0; answered < answersPerConnection; answered++) {
                if (!readRequest(in)) {
                    return;
                }
                int n = requests.incrementAndGet();
                byte[] body = ("{\"n\":" + n + "}").getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                        + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(body);
                out.flush();
            }
        } catch (IOException gone) {
            // The client went away; nothing to count.
        }
    }

    // Reads one request head and its Content-Length body; false at the end of the connection.
    private static boolean readRequest(InputStream in) throws IOException {
        var head = new ByteArrayOutputStream();
        int matched = 0;
        while (matched < 4) {
            int b = in.read();
            if (b < 0) {
                return false;
            }
            head.write(b);
            matched = (b == '\r' && matched % 2 == 0) || (b == '\n' && matched % 2 == 1) ? matched + 1 : 0;
        }
        int length = 0;
        for (String line : head.toString(StandardCharsets.US_ASCII).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Integer.parseInt(line.substring("content-length:".length()).trim());
            }
        }
        return in.readNBytes(length).length == length;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
