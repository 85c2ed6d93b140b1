package io.llmclient.application.provider;

import io.llmclient.domain.stream.StreamEvent;

/**
 * Receives a stream's events in order. It may throw when the caller has gone away; the
 * provider then stops reading and closes the upstream response.
 */
@FunctionalInterface
public interface StreamSink {
    void accept(StreamEvent event);
}
