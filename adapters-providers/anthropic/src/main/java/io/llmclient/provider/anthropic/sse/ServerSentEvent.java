package io.llmclient.provider.anthropic.sse;

import java.util.Objects;

/**
 * One dispatched event of a {@code text/event-stream}: its type ({@code message} when the
 * stream gave none) and its data (the {@code data} lines joined by LF).
 */
public record ServerSentEvent(String type, String data) {
    /** The type of an event whose stream gave no {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";

    public ServerSentEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }
}
