package io.llmclient.inbound.support.sse;

import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.ServerResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * One {@code text/event-stream} response, written to the response's body stream, opened only at the
 * first event or the first keep-alive. Until then nothing has been sent, so a failure found
 * before either can still be answered as an ordinary JSON error by the caller
 * ({@link #endUnopened()}).
 *
 * <h2>Decisions</h2>
 * <ul>
 *   <li><b>No particular {@code Accept} header is needed</b> (contract section 9): the events are
 *       written to the body stream, with the headers Helidon's SSE sink set ({@code Content-Type:
 *       text/event-stream}, {@code Cache-Control: no-cache}), not through that sink, which only
 *       serves requests that accept {@code text/event-stream}.</li>
 *   <li><b>{@code event: name} and {@code data: ...} with one space</b>, byte for byte as the
 *       contract and OpenAI write them ({@link SseFrame}).</li>
 *   <li><b>An event is flushed as it is written</b>, unless the surface writes it inside
 *       {@link #unflushed}: then it waits in the body's buffer for the next {@link #flush()} or
 *       flushed write. The surfaces do so for an event whose provider already holds the next one
 *       (read from the network in the same read), so a burst of events goes out in one write, and
 *       flush before the provider waits again: nothing written waits for the network (decision 38).
 *       Helidon's SSE sink flushed every event, one write and one chunk each.</li>
 *   <li><b>Back-pressure</b>: the service holds at most the event being written; the rest waits
 *       in the provider, which is not asked for more while a write blocks. A client that stops
 *       reading fills the socket buffers (the kernel's, a few MiB at most), then one write blocks;
 *       a write still blocked after the write limit ends the stream as a disconnect
 *       ({@link ClientGone}), which cancels the upstream request.</li>
 *   <li><b>Keep-alives</b> ({@link KeepAlives}) are written by another thread while the stream's
 *       own thread waits for the provider. Every write (event, keep-alive, the end) holds this
 *       stream's lock, so a keep-alive never lands inside an event; a keep-alive is skipped when
 *       the stream's thread is writing anyway. A keep-alive that finds the response unopened opens
 *       it (status 200, the SSE headers and {@code X-Trace-Id}), without the headers the first
 *       event would have added: the stream is then open, but not committed for the application
 *       (retries and fallback go on up to the first token), and a later failure before the first
 *       token ends it as an error event instead of an ordinary error response.</li>
 *   <li><b>A keep-alive that cannot be written</b> means the client left: the stream is marked
 *       gone, and the stream's own thread gets {@link ClientGone} at its next write (or, on
 *       JSON-RPC, when the provider reports the stream accepted), which stops the provider as any
 *       failed write does. The stream's thread is not interrupted while it waits for the provider:
 *       an interrupt may only land inside the waits {@code WholeCallDeadline} registers
 *       (decision 14), not in a rate-limit queue or a log write.</li>
 * </ul>
 */
public final class EventStream {
    private static final System.Logger LOG = System.getLogger(EventStream.class.getName());
    /** {@code : keep-alive}, then the blank line that ends an event: SSE parsers skip comment lines. */
    private static final SseFrame KEEP_ALIVE = SseFrame.comment(" keep-alive");
    private static final Header CACHE_NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");

    private final ServerResponse res;
    private final String traceId;
    private final WriteDeadline deadline;
    private final KeepAlives keepAlives;
    private final OpenStreams openStreams;
    private final Supplier<SseFrame> shutdownEvent;
    private final Runnable firstEventHeaders;
    private final SseFrame keepAliveEvent;
    // Held by every write, by the opening and by the end: one writer at a time, whole events only.
    private final ReentrantLock writing = new ReentrantLock();
    private final AtomicBoolean keepAliveClaimed = new AtomicBoolean();
    private volatile long lastWriteNanos;
    /** Set by the stream's own thread inside {@link #unflushed}: its writes are not flushed. */
    private volatile boolean holding;
    /** The response body, once opened. */
    private OutputStream body;
    /** Whether bytes were written since the last flush. */
    private boolean pending;
    private RuntimeException gone;
    private boolean ended;

    private EventStream(ServerResponse res, String traceId, WriteDeadline writes,
                        KeepAlives keepAlives, OpenStreams openStreams, Supplier<SseFrame> shutdownEvent,
                        Runnable firstEventHeaders, SseFrame keepAliveEvent) {
        this.res = Objects.requireNonNull(res, "res");
        this.traceId = Objects.requireNonNull(traceId, "traceId");
        this.deadline = Objects.requireNonNull(writes, "writes");
        this.keepAlives = Objects.requireNonNull(keepAlives, "keepAlives");
        this.openStreams = Objects.requireNonNull(openStreams, "openStreams");
        this.shutdownEvent = Objects.requireNonNull(shutdownEvent, "shutdownEvent");
        this.firstEventHeaders = Objects.requireNonNull(firstEventHeaders, "firstEventHeaders");
        this.keepAliveEvent = Objects.requireNonNull(keepAliveEvent, "keepAliveEvent");
        this.lastWriteNanos = System.nanoTime();
    }

    /**
     * A stream for this exchange, watched by {@code keepAlives} and listed in {@code openStreams}
     * from now until {@link #close()}. Each write is bounded by {@code writes}, the surface's shared
     * write limit; {@code firstEventHeaders} adds, just before the first event opens the response,
     * the headers that only the first event can know (they are left out when a keep-alive opens
     * it); {@code shutdownEvent} makes the last event should a drain end the stream (only then:
     * most streams never need it).
     */
    public static EventStream start(ServerResponse res, String traceId, WriteDeadline writes,
                                    KeepAlives keepAlives, OpenStreams openStreams, Supplier<SseFrame> shutdownEvent,
                                    Runnable firstEventHeaders) {
        return start(res, traceId, writes, keepAlives, openStreams, shutdownEvent, firstEventHeaders,
                KEEP_ALIVE);
    }

    /**
     * As above, with the surface's own keep-alive event instead of the {@code : keep-alive} comment
     * (Anthropic's {@code ping} event, contract section 14).
     */
    public static EventStream start(ServerResponse res, String traceId, WriteDeadline writes,
                                    KeepAlives keepAlives, OpenStreams openStreams, Supplier<SseFrame> shutdownEvent,
                                    Runnable firstEventHeaders, SseFrame keepAliveEvent) {
        var stream = new EventStream(res, traceId, writes, keepAlives, openStreams, shutdownEvent,
                firstEventHeaders, keepAliveEvent);
        keepAlives.add(stream);
        openStreams.add(stream);
        return stream;
    }

    /** {@code event: name} with {@code data: json}, as {@link #event} writes it. */
    public static SseFrame namedEvent(String name, byte[] json) {
        return SseFrame.named(name, json);
    }

    /** An unnamed {@code data: json} event, as {@link #data} writes it. */
    public static SseFrame dataEvent(byte[] json) {
        return SseFrame.data(json);
    }

    /** Sends {@code event: name} with {@code data: json}; throws {@link ClientGone} when the client is gone. */
    public void event(String name, byte[] json) {
        send(out -> SseFrame.writeNamed(out, name, json));
    }

    /** Sends an unnamed event {@code data: text}; throws {@link ClientGone} when the client is gone. */
    public void data(byte[] text) {
        send(out -> SseFrame.writeData(out, text));
    }

    /** Sends an unnamed event {@code data: text}. */
    public void data(String text) {
        data(text.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code writes}, this stream's own sends on the calling thread, without flushing them: they
     * go out with the next {@link #flush()} or flushed write, or at the end of the stream. The
     * caller flushes before anything that may wait (decision 38).
     */
    public void unflushed(Runnable writes) {
        holding = true;
        try {
            writes.run();
        } finally {
            holding = false;
        }
    }

    /** Sends what {@link #unflushed} writes left in the body's buffer; throws {@link ClientGone} when the client is gone. */
    public void flush() {
        writing.lock();
        try {
            if (!pending || ended) {
                return;
            }
            throwIfGone();
            write(out -> { }, true);
        } finally {
            writing.unlock();
        }
    }

    /** Throws {@link ClientGone} when a keep-alive found the client gone; otherwise does nothing. */
    public void requireClient() {
        writing.lock();
        try {
            throwIfGone();
        } finally {
            writing.unlock();
        }
    }

    /**
     * Ends the stream if nothing has been sent yet (no event, no keep-alive), so that the caller
     * may answer with an ordinary response instead; no keep-alive is written after this.
     *
     * @return true when the stream was ended unopened; false when the response is already an
     *         event stream (or its opening failed), so the caller must end it with an event
     */
    public boolean endUnopened() {
        writing.lock();
        try {
            if (body != null || gone != null) {
                return false;
            }
            end();
            return true;
        } finally {
            writing.unlock();
        }
    }

    /** Ends the response, if it was opened; a client already gone is not an error here. */
    public void close() {
        writing.lock();
        try {
            if (ended) {
                return;
            }
            end();
            if (body == null || gone != null) {
                return;
            }
            try {
                closeBody();
            } catch (ClientGone | UncheckedIOException | CloseConnectionException left) {
                // Nobody is left to read the end of the stream.
            }
        } finally {
            writing.unlock();
        }
    }

    /**
     * Ends the stream for a shutdown whose grace is over: writes the shutdown event and the end of
     * the response, and marks the client gone, so that the stream's own thread stops its provider
     * at its next write. Waits for a write in progress to finish first.
     *
     * @return false when the stream had already ended
     */
    boolean endForShutdown() {
        writing.lock();
        try {
            if (ended || gone != null) {
                return false;
            }
            try {
                SseFrame last = shutdownEvent.get();
                write(last::writeTo, true);
                closeBody();
            } catch (ClientGone | UncheckedIOException | CloseConnectionException left) {
                // Nobody is left to read it.
            }
            end();
            gone = new ClientGone("the service is shutting down", null);
            return true;
        } finally {
            writing.unlock();
        }
    }

    /** When this stream last wrote (or started); read by the keep-alive sweeper. */
    long lastWriteNanos() {
        return lastWriteNanos;
    }

    /** Claims the next keep-alive for the sweeper; false while one is already being written. */
    boolean claimKeepAlive() {
        return keepAliveClaimed.compareAndSet(false, true);
    }

    /**
     * Writes {@code : keep-alive} if the stream is still silent for {@code dueAfterNanos}, then
     * releases the claim. Runs on a thread of its own; never throws.
     */
    void keepAlive(long dueAfterNanos) {
        try {
            if (!writing.tryLock()) {
                // The stream's own thread is writing: it is not silent.
                return;
            }
            try {
                if (ended || gone != null || System.nanoTime() - lastWriteNanos < dueAfterNanos) {
                    return;
                }
                write(keepAliveEvent::writeTo, true);
            } catch (ClientGone left) {
                gone = left;
                LOG.log(System.Logger.Level.DEBUG, "stream client gone at a keep-alive (trace_id {0}): {1}", traceId,
                        left.getMessage());
            } catch (RuntimeException failed) {
                // Not a disconnect Helidon names as such, but the response can no longer be written either.
                gone = failed;
                LOG.log(System.Logger.Level.WARNING, "keep-alive write failed (trace_id {0}): {1}", traceId,
                        failed.getClass().getName());
            } finally {
                writing.unlock();
            }
        } finally {
            keepAliveClaimed.set(false);
        }
    }

    private void send(Frame event) {
        writing.lock();
        try {
            throwIfGone();
            if (ended) {
                throw new IllegalStateException("the stream has ended");
            }
            if (body == null) {
                firstEventHeaders.run();
            }
            write(event, !holding);
        } finally {
            writing.unlock();
        }
    }

    /** Writes one event's bytes to the body. */
    @FunctionalInterface
    private interface Frame {
        void writeTo(OutputStream out) throws IOException;
    }

    // Under the lock. The headers go out with the first flush, in the same write as the first event.
    private void write(Frame event, boolean flush) {
        deadline.write(() -> {
            try {
                if (body == null) {
                    open();
                }
                event.writeTo(body);
                if (flush) {
                    body.flush();
                }
            } catch (IOException | UncheckedIOException | CloseConnectionException left) {
                throw new ClientGone("the client disconnected", left);
            }
        });
        pending = !flush;
        lastWriteNanos = System.nanoTime();
    }

    // Under the lock: the end of the body (its last chunk), after what is still buffered.
    private void closeBody() {
        deadline.write(() -> {
            try {
                body.close();
            } catch (IOException left) {
                throw new ClientGone("the client disconnected", left);
            }
        });
        pending = false;
    }

    // Under the lock.
    private void throwIfGone() {
        if (gone != null) {
            throw new ClientGone("a keep-alive found the client gone", gone);
        }
    }

    // Under the lock.
    private void end() {
        ended = true;
        keepAlives.remove(this);
        openStreams.remove(this);
    }

    // The headers Helidon's SSE sink sent, in its order: a content type unless one is set, then no caching.
    private void open() {
        res.status(Status.OK_200);
        res.header(A2aHeaders.TRACE_ID_HEADER, traceId);
        if (res.headers().contentType().isEmpty()) {
            res.header(HeaderValues.CONTENT_TYPE_EVENT_STREAM);
        }
        res.header(CACHE_NO_CACHE);
        body = res.outputStream();
    }
}
