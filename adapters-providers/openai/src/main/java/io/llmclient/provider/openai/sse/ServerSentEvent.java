package io.llmclient.provider.openai.sse;

import java.util.Objects;

/**
 * One dispatched event of a {@code text/event-stream}: its type ({@code message} when the
 * stream named none), its data (lines joined by LF) and the last event id seen so far.
 */
public record ServerSentEvent(String type, String data, String lastEventId) {
    /** The type of an event whose stream gave no {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";

    public ServerSentEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }
}
