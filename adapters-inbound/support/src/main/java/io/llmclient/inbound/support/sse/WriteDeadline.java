package io.llmclient.inbound.support.sse;

import io.llmclient.application.deadline.WholeCallDeadline;
import java.time.Duration;
import java.util.concurrent.CancellationException;

/**
 * Bounds how long one write to a streaming client may block. A client that stops reading fills
 * the socket buffers, and then the writing thread blocks in the socket write, which has no
 * timeout of its own. Past the limit the writing (virtual) thread is interrupted: a virtual
 * thread blocked in socket I/O then has its socket closed and the write fails, so the stream
 * ends as if the client had disconnected.
 *
 * <p>One per surface, shared by all its streams: its watchdog ({@link WholeCallDeadline}) costs a
 * list append per write. A timer per write (as this class had, on a scheduled executor) woke
 * a timer thread for every event sent, one of the largest costs when streaming (see
 * docs/decisions.md, 'Our own kept-alive provider connections, no socket timers'). The
 * interrupt is only ever delivered while a write is under way, and cleared before the writer
 * goes on, so it can never hit the provider's own blocking calls.
 */
public final class WriteDeadline {
    private final WholeCallDeadline deadline;

    /** Each write may block at most {@code limit}. */
    public WriteDeadline(Duration limit) {
        this.deadline = new WholeCallDeadline(limit,
                () -> new ClientGone("the client read nothing for " + limit.toMillis() + " ms", null));
    }

    /** Runs one write on this thread; throws {@link ClientGone} when it was still blocked at the limit. */
    void write(Runnable write) {
        try {
            deadline.call(() -> {
                write.run();
                return null;
            });
        } catch (CancellationException interrupted) {
            // Someone else interrupted the stream's thread while it wrote: the write failed all the same.
            throw new ClientGone("the stream was interrupted while writing", interrupted);
        }
    }
}
