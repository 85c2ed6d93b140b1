package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.http1.Http1Client;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Kept-alive provider connections: reused, replaced when the server closed them, and aged out. */
class UpstreamConnectionsTest {
    private static final Duration CONNECT = Duration.ofSeconds(2);
    private static final Duration REQUEST = Duration.ofSeconds(5);
    private static final A2aContext A2A = new A2aContext("t-pool", Optional.empty(), Optional.empty());
    private static final byte[] BODY = "{\"q\":1}".getBytes(StandardCharsets.UTF_8);

    private final WebClient client = WebClient.builder().connectTimeout(CONNECT).followRedirects(false).build();
    private final Http1Client http1 = client.client(Http1Client.PROTOCOL);
    private final ProviderExchange exchange =
            new ProviderExchange(ProviderId.OPENAI, client, CONNECT, REQUEST, new Transport(List.of(), false, 1024),
                    List.of());

    private String call(URI uri) {
        try (var held = exchange.reserve()) {
            return new String(exchange.exchange(() -> http1.post().uri(uri), A2A, BODY, held).body(),
                    StandardCharsets.UTF_8);
        }
    }

    @Test
    void requestsOneAfterAnotherShareOneConnection() throws Exception {
        try (var server = new KeepAliveServer(100)) {
            for (int i = 1; i <= 5; i++) {
                assertEquals("{\"n\":" + i + "}", call(server.uri()));
            }
            assertEquals(1, server.connections());
            assertEquals(5, server.requests());
        }
    }

    @Test
    void aConnectionTheServerClosedWhileIdleIsReplacedAndTheRequestArrivesOnce() throws Exception {
        try (var server = new KeepAliveServer(1)) {
            assertEquals("{\"n\":1}", call(server.uri()));
            // The server closed that connection after its answer; the pool still holds it.
            Thread.sleep(50);
            assertEquals("{\"n\":2}", call(server.uri()));
            assertEquals(2, server.connections());
            assertEquals(2, server.requests());
        }
    }

    @Test
    void aFailureOnANewConnectionIsNotSentAgain() throws Exception {
        try (var server = new KeepAliveServer(0)) {
            var failed = assertThrows(LlmFailureException.class, () -> call(server.uri()));
            var failure = assertInstanceOf(ProviderFailed.class, failed.failure());
            assertTrue(failure.transientFailure(), failure.toString());
            assertEquals(1, server.connections());
            assertEquals(0, server.requests());
        }
    }

    @Test
    void aConnectionIdleLongerThanTheLimitIsClosedNotReused() throws Exception {
        try (var server = new KeepAliveServer(100)) {
            URI uri = server.uri();
            var connections = new UpstreamConnections(client, uri.getScheme(), uri.getHost(), uri.getPort(),
                    Duration.ofMillis(30));
            UpstreamConnections.Lease first = connections.acquire();
            assertFalse(first.reused());
            post(uri, first);
            assertEquals(1, connections.idleCount());

            UpstreamConnections.Lease again = connections.acquire();
            assertTrue(again.reused());
            assertSame(first.connection(), again.connection());
            post(uri, again);
            assertEquals(1, connections.idleCount());

            Thread.sleep(60);
            UpstreamConnections.Lease later = connections.acquire();
            assertFalse(later.reused());
            assertNotSame(first.connection(), later.connection());
            post(uri, later);
            assertEquals(2, server.connections());
        }
    }

    // One request on the lease's connection, read to its end, so that Helidon hands the connection back.
    private void post(URI uri, UpstreamConnections.Lease lease) {
        try (HttpClientResponse response = client.post().uri(uri).connection(lease.connection()).submit(BODY)) {
            assertEquals(200, response.status().code());
            response.entity().as(String.class);
        }
    }
}
