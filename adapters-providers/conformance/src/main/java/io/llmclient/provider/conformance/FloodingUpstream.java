package io.llmclient.provider.conformance;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in upstream that never stops talking: to any request on any path it answers 200 and
 * then sends up to 1 GiB of event-stream comment lines ({@code : padding...}), which every
 * reader skips and no JSON parser accepts, until the client hangs up. It counts what it managed
 * to write, so a test can show the client stopped reading long before the gigabyte.
 */
public final class FloodingUpstream implements AutoCloseable {
    /** How much the flood would send if nobody hung up: 1 GiB. */
    public static final long FLOOD_BYTES = 1L << 30;

    private final HttpServer server;
    private final ExecutorService handlers = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicLong written = new AtomicLong();

    /** Starts listening on a free loopback port at once. */
    public FloodingUpstream() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
        byte[] line = (": " + "padding ".repeat(1000) + "\n").getBytes(StandardCharsets.US_ASCII);
        server.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            exchange.getResponseHeaders().add("Content-Type", "text/event-stream");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream body = exchange.getResponseBody()) {
                for (long sent = 0; sent < FLOOD_BYTES; sent += line.length) {
                    body.write(line);
                    written.addAndGet(line.length);
                }
            } catch (IOException hungUp) {
                // The client stopped reading and closed the connection: the point of the exercise.
            }
        });
        server.setExecutor(handlers);
        server.start();
    }

    /** {@code http://<loopback>:<port>}; every path below it floods the same way. */
    public URI baseUrl() {
        return URI.create("http://" + server.getAddress().getHostString() + ":" + server.getAddress().getPort());
    }

    /** How many bytes the flood has written so far (some may still sit in socket buffers). */
    public long written() {
        return written.get();
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
