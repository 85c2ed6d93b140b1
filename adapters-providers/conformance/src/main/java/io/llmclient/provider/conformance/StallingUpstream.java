package io.llmclient.provider.conformance;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in upstream for {@link StallPoint#MID_STREAM}: to any request on any path it answers
 * 200 {@code text/event-stream}, sends the given first bytes as one complete HTTP chunk at once,
 * and then says nothing until closed (or for 30 seconds at most). WireMock cannot stage this: its
 * dribble delay sleeps before the first chunk too, and Jetty sends the CRLF that ends a chunk only
 * with the next one. The JDK's own server writes each flushed chunk whole.
 */
public final class StallingUpstream implements AutoCloseable {
    private static final long LONGEST_STALL_SECONDS = 30;

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final CountDownLatch released = new CountDownLatch(1);

    /** Starts listening on a free loopback port at once. */
    public StallingUpstream(byte[] firstBytes) {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        byte[] first = firstBytes.clone();
        server.createContext("/", exchange -> {
            // Read the whole request first, so the client is never blocked writing it.
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            OutputStream body = exchange.getResponseBody();
            body.write(first);
            body.flush();
            try {
                released.await(LONGEST_STALL_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException stopped) {
                Thread.currentThread().interrupt();
            }
            exchange.close();
        });
        // One virtual thread per exchange: a stalled answer must not hold up the next connection.
        server.setExecutor(handlers);
        server.start();
    }

    /** {@code http://<loopback>:<port>}; every path below it stalls the same way. */
    public URI baseUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** Ends every stalled answer and stops listening. */
    @Override
    public void close() {
        released.countDown();
        server.stop(0);
        handlers.shutdownNow();
    }
}
