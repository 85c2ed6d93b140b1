package io.llmclient.inbound.support.http10;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.Bytes;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import io.helidon.webserver.spi.ServerConnectionSelector;
import java.util.Objects;
import java.util.Set;

/**
 * Lets the server answer HTTP/1.0 requests, which Helidon 4.5 closes unanswered: its HTTP/1.1
 * selector does not take a connection whose request line ends in {@code HTTP/1.0}, and its
 * request-line parser refuses that version outright (no setting changes either). nginx's
 * {@code proxy_pass} speaks HTTP/1.0 unless told otherwise, so a default nginx in front of the
 * service turned every request into a 502 (see docs/decisions.md, 'HTTP/1.0 through Helidon's own
 * HTTP/1.1 connection').
 *
 * <p>Registered on the listener before Helidon's own selectors, it takes HTTP/1.0 connections
 * (and those whose request line has not fully arrived yet, deciding once it has) and serves them
 * with Helidon's own HTTP/1.1 connection, configured as the listener's: the request is rewritten
 * to HTTP/1.1 with {@code Connection: close} (and a {@code Host} if it has none), and the answer
 * back to HTTP/1.0 — status line, {@code Connection: close}, and a stream's chunked body
 * unchunked and ended by the server closing the connection. Every route, filter and limit of
 * the service applies unchanged; one request per HTTP/1.0 connection (a 1.0 keep-alive is
 * answered with {@code Connection: close}). HTTP/1.1 connections go to Helidon's connection
 * untouched. See docs/decisions.md.
 */
public final class Http10Selector implements ServerConnectionSelector {
    private static final String HTTP_1_0_LINE_END = " HTTP/1.0\r";

    private final Http1Config config;
    private final Http1ConnectionSelector http1;

    /** Serves with Helidon's HTTP/1.1 connection under {@code config}, the listener's own. */
    public Http10Selector(Http1Config config) {
        this.config = Objects.requireNonNull(config, "config");
        this.http1 = Http1ConnectionSelector.builder().config(config).build();
    }

    @Override
    public int bytesToIdentifyConnection() {
        return 0;
    }

    @Override
    public Support supports(BufferData data) {
        int lf = data.indexOf(Bytes.LF_BYTE);
        if (lf == -1) {
            // Helidon's HTTP/1.1 selector would take a connection whose request line is not complete
            // yet, HTTP/1.0 or not; taken here instead, and decided once the line is complete.
            return data.available() <= config.maxPrologueLength() ? Support.SUPPORTED : Support.UNSUPPORTED;
        }
        return data.readString(lf).endsWith(HTTP_1_0_LINE_END) ? Support.SUPPORTED : Support.UNSUPPORTED;
    }

    @Override
    public Set<String> supportedApplicationProtocols() {
        // Nothing to negotiate: HTTP/1.0 has no ALPN name.
        return Set.of();
    }

    @Override
    public ServerConnection connection(ConnectionContext ctx) {
        return new Http10Connection(ctx, config, http1);
    }
}
