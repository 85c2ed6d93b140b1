package io.llmclient.provider.support.http;

import io.helidon.common.tls.Tls;
import io.helidon.webclient.api.ConnectionKey;
import io.helidon.webclient.api.TcpClientConnection;
import io.helidon.webclient.api.WebClient;
import io.helidon.webclient.api.WebClientConfig;
import java.time.Duration;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The kept-alive HTTP/1.1 connections to one provider host, handed to each request explicitly
 * ({@code Http1ClientRequest.connection}) instead of through Helidon's own connection cache.
 *
 * <p>Why not Helidon's cache: for every connection it takes back, it starts a virtual thread that
 * blocks reading the idle socket with a 101 ms socket timeout, to notice a close by the server;
 * the next request on that connection first waits for that thread to hand over. Under load that
 * watcher (a thread start, a timed park and a hand-over per request) was the largest single cost
 * in the service's profile (see docs/decisions.md, 'Our own kept-alive provider connections, no
 * socket timers'). The connections
 * themselves are still Helidon's ({@link TcpClientConnection}: proxy, TLS and host name check as
 * the client is configured).
 *
 * <p>Without that watcher, a connection the provider closed while it sat idle is only found when
 * it is used again. So a connection idle for longer than {@link #MAX_IDLE} is closed instead of
 * reused (shorter than the keep-alive timeout of common servers and load balancers), and
 * {@link ProviderExchange#send} sends a request once more on a new connection when a reused one
 * failed before any answer came back, as OkHttp and Go's HTTP client do.
 *
 * <p>The most recently returned connection is reused first, so under light load the same few
 * connections stay warm and the rest age out. At most {@link #MAX_KEPT} idle connections are kept.
 */
final class UpstreamConnections {
    /** How long a connection may sit idle and still be reused. */
    static final Duration MAX_IDLE = Duration.ofSeconds(20);
    /** How many idle connections are kept (Helidon's own cache keeps 256 too). */
    static final int MAX_KEPT = 256;
    private static final List<String> HTTP1 = List.of("http/1.1");
    private static final Tls NO_TLS = Tls.builder().enabled(false).build();

    private final WebClient client;
    private final ConnectionKey key;
    private final long maxIdleNanos;
    private final Deque<Idle> idle = new ConcurrentLinkedDeque<>();
    private final AtomicInteger idleCount = new AtomicInteger();

    UpstreamConnections(WebClient client, String scheme, String host, int port) {
        this(client, scheme, host, port, MAX_IDLE);
    }

    UpstreamConnections(WebClient client, String scheme, String host, int port, Duration maxIdle) {
        this.client = client;
        this.key = key(client.prototype(), scheme, host, port);
        this.maxIdleNanos = maxIdle.toNanos();
    }

    /** A connection for one request: a kept one when there is one still fresh, else a new one. */
    Lease acquire() {
        long now = System.nanoTime();
        for (Idle kept = idle.pollFirst(); kept != null; kept = idle.pollFirst()) {
            idleCount.decrementAndGet();
            if (now - kept.since() <= maxIdleNanos && kept.connection().isConnected()) {
                return new Lease(kept.connection(), true);
            }
            kept.connection().closeResource();
        }
        return new Lease(open(), false);
    }

    /** A new connection, whatever is kept; connecting may fail like any connect. */
    TcpClientConnection open() {
        return TcpClientConnection.create(client, key, HTTP1, this::takeBack, closed -> { }).connect();
    }

    /** How many connections are kept idle now; for tests. */
    int idleCount() {
        return idleCount.get();
    }

    // Helidon calls this when a response was read to its end on a keep-alive connection; false closes it.
    private boolean takeBack(TcpClientConnection connection) {
        if (!connection.isConnected() || idleCount.incrementAndGet() > MAX_KEPT) {
            idleCount.decrementAndGet();
            return false;
        }
        long now = System.nanoTime();
        idle.offerFirst(new Idle(connection, now));
        closeOldestIfExpired(now);
        return true;
    }

    // The oldest connection sits at the tail; under load nothing ages, when idle the tail goes first.
    private void closeOldestIfExpired(long now) {
        Idle oldest = idle.peekLast();
        if (oldest != null && now - oldest.since() > maxIdleNanos && idle.removeLastOccurrence(oldest)) {
            idleCount.decrementAndGet();
            oldest.connection().closeResource();
        }
    }

    // As Helidon's own cache keys its connections: TLS only for https.
    private static ConnectionKey key(WebClientConfig config, String scheme, String host, int port) {
        boolean https = "https".equalsIgnoreCase(scheme);
        return ConnectionKey.create(scheme, host, port, https ? config.tls() : NO_TLS,
                config.dnsResolver(), config.dnsAddressLookup(), config.proxy());
    }

    /** A connection handed to one request; {@code reused} when it had served an earlier one. */
    record Lease(TcpClientConnection connection, boolean reused) {
    }

    private record Idle(TcpClientConnection connection, long since) {
    }
}
