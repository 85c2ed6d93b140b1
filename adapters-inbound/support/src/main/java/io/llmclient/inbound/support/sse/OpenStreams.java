package io.llmclient.inbound.support.sse;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event streams open on every surface of one server, so that a drain whose grace is over can
 * end each one with its surface's error event instead of cutting the connection (see
 * docs/decisions.md, 'Graceful drain on SIGTERM', and docs/deployment.md).
 */
public final class OpenStreams {
    private final Set<EventStream> streams = ConcurrentHashMap.newKeySet();

    void add(EventStream stream) {
        streams.add(stream);
    }

    void remove(EventStream stream) {
        streams.remove(stream);
    }

    /** Streams open right now. */
    public int count() {
        return streams.size();
    }

    /**
     * Ends every open stream with its shutdown event and the end of the response; each stream's
     * own thread then finds its client gone at its next write, which stops its provider.
     *
     * @return how many streams were ended
     */
    public int endAll() {
        int ended = 0;
        for (EventStream stream : streams) {
            if (stream.endForShutdown()) {
                ended++;
            }
        }
        return ended;
    }
}
