package io.llmclient.provider.gemini.sse;

import java.util.Objects;
import java.util.Optional;

/**
 * One dispatched server-sent event: its type ({@code message} unless an {@code event:} field
 * named another), its data (the {@code data:} lines joined by line feeds) and its last event id.
 */
public record SseEvent(String type, String data, Optional<String> lastEventId) {
    public SseEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(lastEventId, "lastEventId");
    }
}
