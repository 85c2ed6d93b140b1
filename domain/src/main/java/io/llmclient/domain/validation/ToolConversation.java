package io.llmclient.domain.validation;

import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.tools.ToolCall;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The rule tying tool results to tool calls, the strictest of the providers' (OpenAI's and
 * Anthropic's, which agree): an assistant message with {@code tool_calls} is followed directly
 * by one tool message per call, in any order, and by nothing else before they are all there.
 * Checking it here gives every provider the same answer, an InvalidParams naming the message,
 * instead of each upstream's own 400.
 */
final class ToolConversation {
    private ToolConversation() {
    }

    /**
     * Checks parsed messages; an empty entry is a message that was itself invalid (already
     * reported), after which tool calls and tool messages are not judged until the next valid
     * non-tool message.
     */
    static void check(List<Optional<Message>> messages, List<FieldError> errors) {
        var group = new Group();
        for (int i = 0; i < messages.size(); i++) {
            Optional<Message> parsed = messages.get(i);
            if (parsed.isEmpty()) {
                // It may have been a tool message answering the open calls: say nothing about them.
                group = Group.unknown();
                continue;
            }
            Message message = parsed.get();
            if (message.role() == Role.TOOL) {
                group.answer(message.toolCallId().orElseThrow(), "messages[" + i + "].tool_call_id", errors);
                continue;
            }
            group.close(errors);
            group = message.toolCalls().isEmpty() ? new Group() : new Group(i, message.toolCalls());
        }
        group.close(errors);
    }

    /** The calls of one assistant message while its answers come in. */
    private static final class Group {
        private final int index;
        private final boolean unknown;
        private final Map<String, Integer> open = new LinkedHashMap<>();
        private final Set<String> answered = new HashSet<>();

        /** No calls to answer. */
        Group() {
            this(-1, false);
        }

        private Group(int index, boolean unknown) {
            this.index = index;
            this.unknown = unknown;
        }

        Group(int index, List<ToolCall> calls) {
            this(index, false);
            for (int j = 0; j < calls.size(); j++) {
                open.put(calls.get(j).id(), j);
            }
        }

        /** After an invalid message: nothing can be said about the tool messages that follow. */
        static Group unknown() {
            return new Group(-1, true);
        }

        void answer(String id, String path, List<FieldError> errors) {
            if (unknown) {
                return;
            }
            if (index < 0) {
                errors.add(new FieldError(path, "must answer a tool call of the assistant message before it;"
                        + " only tool messages may stand between them"));
            } else if (answered.contains(id)) {
                errors.add(new FieldError(path, "answers tool call '" + id + "' a second time"));
            } else if (open.remove(id) == null) {
                errors.add(new FieldError(path, "'" + id + "' is not the id of a tool call in messages[" + index
                        + "].tool_calls"));
            } else {
                answered.add(id);
            }
        }

        void close(List<FieldError> errors) {
            open.forEach((id, position) -> errors.add(new FieldError(
                    "messages[" + index + "].tool_calls[" + position + "].id",
                    "'" + id + "' has no tool message answering it")));
            open.clear();
        }
    }
}
