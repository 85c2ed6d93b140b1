package io.llmclient.domain.chat;

import io.llmclient.domain.tools.ToolCall;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One chat turn as the caller sent it. An assistant turn may carry the tool calls the model
 * made (its content is then often empty); a {@link Role#TOOL} turn carries the result of one of
 * them, naming it by {@code toolCallId}. Other turns carry neither.
 */
public record Message(Role role, String content, List<ToolCall> toolCalls, Optional<String> toolCallId) {
    public Message {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(content, "content");
        toolCalls = List.copyOf(toolCalls);
        Objects.requireNonNull(toolCallId, "toolCallId");
        if (!toolCalls.isEmpty() && role != Role.ASSISTANT) {
            throw new IllegalArgumentException("only assistant messages carry tool calls");
        }
        if (toolCallId.isPresent() != (role == Role.TOOL)) {
            throw new IllegalArgumentException("a tool message, and only a tool message, names a tool call id");
        }
    }

    /** A plain text turn (not a tool result). */
    public Message(Role role, String content) {
        this(role, content, List.of(), Optional.empty());
    }

    /** An assistant turn that called tools, with whatever text came with the calls (often none). */
    public static Message assistantCalling(String content, List<ToolCall> toolCalls) {
        return new Message(Role.ASSISTANT, content, toolCalls, Optional.empty());
    }

    /** The result of the tool call {@code toolCallId}. */
    public static Message toolResult(String toolCallId, String content) {
        return new Message(Role.TOOL, content, List.of(), Optional.of(toolCallId));
    }
}
