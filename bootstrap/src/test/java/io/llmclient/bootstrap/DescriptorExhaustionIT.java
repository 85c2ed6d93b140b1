package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18, item 1: a flood of idle connections against a process with a low descriptor limit.
 * Before the connection cap, {@code accept} failed with "Too many open files" and Helidon's
 * listener stopped for good while the process lived on with a dead port.
 */
class DescriptorExhaustionIT {
    private static final int DESCRIPTOR_LIMIT = 400;
    private static final int FLOOD = 1000;

    @TempDir
    Path dir;

    @Test
    void aFloodOfIdleConnectionsPastTheDescriptorLimitLeavesAServiceThatAnswersOnceItIsGone() throws Exception {
        ServiceProcess service = ServiceProcess.startWithDescriptorLimit(dir, Map.of("SERVER_PORT", "0"),
                DESCRIPTOR_LIMIT);
        try {
            int port = service.awaitPort();
            List<Socket> flood = open(port, FLOOD);
            // Give the listener time to accept all it will; without the cap it dies here.
            Thread.sleep(2000);
            for (Socket socket : flood) {
                socket.close();
            }

            assertEquals(200, healthWithin(port, Duration.ofSeconds(20)), "served again; stdout: "
                    + service.stdout.soFar());
            assertTrue(service.process.isAlive());
            assertTrue(service.stdout.soFar().stream().noneMatch(line -> line.contains("Too many open files")),
                    () -> String.join("\n", service.stdout.soFar()));
        } finally {
            service.process.destroyForcibly();
        }
    }

    @Test
    void aListenerThatStopsAnywayEndsTheProcessWithANonZeroStatus() throws Exception {
        // A cap above what the limit allows, so that accept fails as it did before the cap.
        ServiceProcess service = ServiceProcess.startWithDescriptorLimit(dir, Map.of("SERVER_PORT", "0",
                "LLM_MAX_CONNECTIONS", "5000"), DESCRIPTOR_LIMIT);
        List<Socket> flood = List.of();
        try {
            int port = service.awaitPort();
            flood = open(port, FLOOD);

            assertTrue(service.process.waitFor(30, TimeUnit.SECONDS), "the process exits");
            assertEquals(Main.LISTENER_LOST_EXIT_CODE, service.process.exitValue());
            assertTrue(service.stdout.all().stream().anyMatch(line -> line.contains("\"level\":\"ERROR\"")
                    && line.contains("the listener stopped accepting connections")));
        } finally {
            for (Socket socket : flood) {
                socket.close();
            }
            service.process.destroyForcibly();
        }
    }

    /** Opens up to {@code count} connections; stops early when the kernel's backlog is full too. */
    private static List<Socket> open(int port, int count) throws IOException {
        var sockets = new ArrayList<Socket>();
        for (int i = 0; i < count; i++) {
            var socket = new Socket();
            try {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            } catch (IOException full) {
                socket.close();
                break;
            }
            sockets.add(socket);
        }
        return sockets;
    }

    private static int healthWithin(int port, Duration patience) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long until = System.nanoTime() + patience.toNanos();
        while (true) {
            try {
                return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
            } catch (IOException notYet) {
                if (System.nanoTime() > until) {
                    return -1;
                }
                Thread.sleep(200);
            }
        }
    }
}
