package io.llmclient.inbound.support.http10;

import io.helidon.common.buffers.DataReader;
import io.helidon.common.concurrency.limits.Limit;
import io.helidon.common.task.InterruptableTask;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1Config;
import io.helidon.webserver.http1.Http1ConnectionSelector;
import io.helidon.webserver.spi.ServerConnection;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A connection {@link Http10Selector} took: once its request line is complete, served by
 * Helidon's own HTTP/1.1 connection, through {@link RequestBytes} and {@link TranslatingWriter}
 * when the request is HTTP/1.0, directly otherwise.
 */
final class Http10Connection implements ServerConnection, InterruptableTask<Void> {
    private final ConnectionContext context;
    private final Http1Config config;
    private final Http1ConnectionSelector http1;
    private final long createdNanos = System.nanoTime();
    private volatile ServerConnection served;
    private volatile Thread handler;
    private volatile boolean closed;

    Http10Connection(ConnectionContext context, Http1Config config, Http1ConnectionSelector http1) {
        this.context = context;
        this.config = config;
        this.http1 = http1;
    }

    @Override
    public void handle(Limit limit) throws InterruptedException {
        handler = Thread.currentThread();
        String requestLine = requestLine();
        ServerConnection connection = requestLine.endsWith(" HTTP/1.0")
                ? http1.connection(translated(requestLine.startsWith("HEAD ")))
                : http1.connection(context);
        served = connection;
        if (closed) {
            return;
        }
        connection.handle(limit);
    }

    @Override
    public Duration idleTime() {
        ServerConnection connection = served;
        return connection == null ? Duration.ofNanos(System.nanoTime() - createdNanos) : connection.idleTime();
    }

    @Override
    public void close(boolean interrupt) {
        closed = true;
        ServerConnection connection = served;
        Thread waiting = handler;
        if (connection != null) {
            connection.close(interrupt);
        } else if (waiting != null) {
            // Still waiting for the request line, like a connection waiting for its next request.
            waiting.interrupt();
        }
    }

    @Override
    public boolean canInterrupt() {
        ServerConnection connection = served;
        return connection == null || connection instanceof InterruptableTask<?> task && task.canInterrupt();
    }

    // The first line, read without consuming it; "" when Helidon's parser is better placed to refuse it.
    private String requestLine() {
        DataReader reader = context.dataReader();
        int eol;
        try {
            eol = reader.findNewLine(config.maxPrologueLength());
        } catch (DataReader.InsufficientDataAvailableException closedEarly) {
            throw new CloseConnectionException("No more data available", closedEarly);
        } catch (DataReader.IncorrectNewLineException malformed) {
            return "";
        }
        if (eol >= config.maxPrologueLength()) {
            return "";
        }
        return reader.getBuffer(eol).readString(eol, StandardCharsets.US_ASCII);
    }

    private ConnectionContext translated(boolean headRequest) {
        var response = new ResponseTranslation(headRequest);
        // HTTP/1.1 requires a Host, HTTP/1.0 clients may send none; the service serves no virtual hosts.
        String host = "localhost:" + context.localPeer().port();
        int maxHead = config.maxPrologueLength() + config.maxHeadersSize() + 2;
        var reader = DataReader.create(new RequestBytes(context.dataReader(), maxHead, host, response));
        return new Http10Context(context, reader, new TranslatingWriter(context.dataWriter(), response));
    }
}
