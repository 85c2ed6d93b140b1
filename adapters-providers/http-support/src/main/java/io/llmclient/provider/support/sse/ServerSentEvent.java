package io.llmclient.provider.support.sse;

import java.util.Objects;

/**
 * One dispatched event of a {@code text/event-stream}: its type ({@value #DEFAULT_TYPE} when the
 * stream named none), its data (the {@code data} lines joined by LF) and the last event id seen
 * so far ({@code ""} until an {@code id} field sets one, as the WHATWG "last event ID buffer").
 */
public record ServerSentEvent(String type, String data, String lastEventId) {
    /** The type of an event whose stream gave no {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";

    public ServerSentEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }

    /** An event of the given type and data with no event id, as most providers send them. */
    public static ServerSentEvent of(String type, String data) {
        return new ServerSentEvent(type, data, "");
    }
}
