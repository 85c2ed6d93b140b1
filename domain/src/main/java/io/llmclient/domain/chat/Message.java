package io.llmclient.domain.chat;

import java.util.Objects;

/** One chat turn as the caller sent it. */
public record Message(Role role, String content) {
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
    }
}
