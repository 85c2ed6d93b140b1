package io.llmclient.jsonrpc.sse;

import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.http.sse.SseEvent;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.sse.SseSink;
import io.llmclient.jsonrpc.context.A2aHeaders;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One {@code text/event-stream} response written through Helidon's SSE sink, opened only at the
 * first event. Until then nothing has been sent, so a failure found before the first event can
 * still be answered as an ordinary JSON error by the caller.
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>No particular {@code Accept} header is needed</b> (contract section 9): Helidon's SSE
 *       sink provider only serves requests that accept {@code text/event-stream}, so the request's
 *       {@code Accept} is replaced (through Helidon's own {@code ServerRequest.header}) just before
 *       the sink is created.</li>
 *   <li><b>{@code event: name} and {@code data: ...} with one space</b>, byte for byte as the
 *       contract and OpenAI write them: Helidon writes fields as {@code event:name}, which SSE
 *       parsers read the same, but line-splitting clients written against OpenAI's output do not.
 *       The space is written as the first character of the value, which the SSE specification
 *       strips when parsing.</li>
 *   <li><b>Every event is flushed as it is written</b> (Helidon's sink flushes each): the service
 *       adds no buffering, so time to first token is the provider's plus one write.</li>
 *   <li><b>Back-pressure</b>: the service holds at most the event being written; the rest waits
 *       in the provider, which is not asked for more while a write blocks. A client that stops
 *       reading fills the socket buffers (the kernel's, a few MiB at most), then one write blocks;
 *       a write still blocked after the write limit ends the stream as a disconnect
 *       ({@link ClientGone}), which cancels the upstream request.</li>
 * </ul>
 */
public final class EventStream {
    private static final byte[] SPACE = {' '};

    private final ServerRequest req;
    private final ServerResponse res;
    private final String traceId;
    private final WriteDeadline deadline;
    private SseSink sink;

    /** A stream for this exchange; each write is bounded by {@code writes}, the surface's shared write limit. */
    public EventStream(ServerRequest req, ServerResponse res, String traceId, WriteDeadline writes) {
        this.req = Objects.requireNonNull(req, "req");
        this.res = Objects.requireNonNull(res, "res");
        this.traceId = Objects.requireNonNull(traceId, "traceId");
        this.deadline = Objects.requireNonNull(writes, "writes");
    }

    /** Whether the first event has been sent (the response is committed to SSE). */
    public boolean isOpen() {
        return sink != null;
    }

    /** Sends {@code event: name} with {@code data: json}; throws {@link ClientGone} when the client is gone. */
    public void event(String name, byte[] json) {
        send(SseEvent.builder().name(" " + name).data(spaced(json)).build());
    }

    /** Sends an unnamed event {@code data: text}; throws {@link ClientGone} when the client is gone. */
    public void data(byte[] text) {
        send(SseEvent.builder().data(spaced(text)).build());
    }

    /** Sends an unnamed event {@code data: text}. */
    public void data(String text) {
        data(text.getBytes(StandardCharsets.UTF_8));
    }

    /** Ends the response, if it was opened; a client already gone is not an error here. */
    public void close() {
        if (sink == null) {
            return;
        }
        try {
            deadline.write(sink::close);
        } catch (ClientGone | UncheckedIOException | CloseConnectionException gone) {
            // Nobody is left to read the end of the stream.
        }
    }

    private void send(SseEvent event) {
        deadline.write(() -> {
            try {
                if (sink == null) {
                    open();
                }
                sink.emit(event);
            } catch (UncheckedIOException | CloseConnectionException gone) {
                throw new ClientGone("the client disconnected", gone);
            }
        });
    }

    private void open() {
        res.status(Status.OK_200);
        res.header(HeaderNames.create(A2aHeaders.TRACE_ID), traceId);
        req.header(HeaderValues.ACCEPT_EVENT_STREAM);
        sink = res.sink(SseSink.TYPE);
    }

    private static byte[] spaced(byte[] value) {
        byte[] out = new byte[value.length + 1];
        System.arraycopy(SPACE, 0, out, 0, 1);
        System.arraycopy(value, 0, out, 1, value.length);
        return out;
    }
}
