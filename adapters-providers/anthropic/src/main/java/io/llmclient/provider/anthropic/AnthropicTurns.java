package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.tools.ToolCall;
import java.util.ArrayList;
import java.util.List;

/**
 * The conversation as Anthropic's {@code messages}: alternating {@code user} and
 * {@code assistant} turns, whose content is a string or an array of content blocks.
 *
 * <ul>
 *   <li>A plain turn keeps the string form ({@code "content":"Hi"}), as before tool calling.</li>
 *   <li>An assistant message with tool calls becomes blocks: its text (when not empty) as a
 *       {@code text} block, then one {@code tool_use} block {@code {type, id, name, input}} per
 *       call, {@code input} being the call's arguments parsed to an object (blank arguments are
 *       {@code {}}, a function without parameters).</li>
 *   <li>A tool message becomes a {@code user} turn with one {@code tool_result} block
 *       {@code {type, tool_use_id, content}} ({@code content} left out when empty: Anthropic
 *       refuses empty text).</li>
 *   <li>Consecutive turns of one role are merged, as Anthropic requires alternation: two plain
 *       texts are joined by a blank line (as before); otherwise their blocks are concatenated in
 *       order, so several tool results become one user turn, followed by any user text (Anthropic
 *       wants the {@code tool_result} blocks first, which the conversation rule guarantees).</li>
 * </ul>
 * Arguments that are not a JSON object cannot become an {@code input}: they are reported as a
 * field error ({@code messages[i].tool_calls[j].function.arguments}), for the caller to see.
 */
final class AnthropicTurns {
    private static final String TURN_SEPARATOR = "\n\n";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final List<Turn> turns = new ArrayList<>();
    private final List<FieldError> errors = new ArrayList<>();

    private AnthropicTurns() {
    }

    /** The turns of {@code messages} (system messages are left out: they go to {@code system}). */
    static AnthropicTurns of(List<Message> messages) {
        var conversation = new AnthropicTurns();
        for (int i = 0; i < messages.size(); i++) {
            conversation.add(messages.get(i), i);
        }
        return conversation;
    }

    /** The {@code messages} array. */
    ArrayNode wire() {
        ArrayNode messages = NODES.arrayNode();
        for (Turn turn : turns) {
            messages.addObject().put("role", turn.role).set("content", turn.content());
        }
        return messages;
    }

    /** What could not be translated, by the caller's field path; empty when all could. */
    List<FieldError> errors() {
        return List.copyOf(errors);
    }

    private void add(Message message, int index) {
        switch (message.role()) {
            case SYSTEM -> {
                // Moved to the top-level system field by the request mapper.
            }
            case USER -> text("user", message.content());
            case ASSISTANT -> {
                if (message.toolCalls().isEmpty()) {
                    text("assistant", message.content());
                } else {
                    blocks("assistant", toolUse(message, index));
                }
            }
            case TOOL -> blocks("user", List.of(toolResult(message)));
        }
    }

    private List<ObjectNode> toolUse(Message message, int index) {
        List<ObjectNode> blocks = new ArrayList<>();
        if (!message.content().isEmpty()) {
            blocks.add(textBlock(message.content()));
        }
        List<ToolCall> calls = message.toolCalls();
        for (int j = 0; j < calls.size(); j++) {
            ToolCall call = calls.get(j);
            ObjectNode block = NODES.objectNode().put("type", "tool_use").put("id", call.id()).put("name", call.name());
            block.set("input", input(call.arguments(), "messages[" + index + "].tool_calls[" + j + "].function.arguments"));
            blocks.add(block);
        }
        return blocks;
    }

    private JsonNode input(String arguments, String field) {
        if (arguments.isBlank()) {
            return NODES.objectNode();
        }
        try {
            JsonNode input = WireJson.read(arguments);
            if (input != null && input.isObject()) {
                return input;
            }
        } catch (JsonProcessingException notJson) {
            // reported below
        }
        errors.add(new FieldError(field, "must be a JSON object: Anthropic takes a tool call's input as an object"));
        return NODES.objectNode();
    }

    private static ObjectNode toolResult(Message message) {
        ObjectNode block = NODES.objectNode().put("type", "tool_result")
                .put("tool_use_id", message.toolCallId().orElseThrow());
        if (!message.content().isEmpty()) {
            block.put("content", message.content());
        }
        return block;
    }

    private static ObjectNode textBlock(String text) {
        return NODES.objectNode().put("type", "text").put("text", text);
    }

    private void text(String role, String text) {
        if (!turns.isEmpty() && turns.getLast().role.equals(role)) {
            turns.getLast().append(text);
        } else {
            turns.add(new Turn(role, text));
        }
    }

    private void blocks(String role, List<ObjectNode> blocks) {
        if (turns.isEmpty() || !turns.getLast().role.equals(role)) {
            turns.add(new Turn(role, null));
        }
        turns.getLast().append(blocks);
    }

    /** One wire turn while it is built: plain text until blocks join it. */
    private static final class Turn {
        private final String role;
        private String text;
        private final List<ObjectNode> blocks = new ArrayList<>();

        Turn(String role, String text) {
            this.role = role;
            this.text = text;
        }

        void append(String more) {
            if (text != null) {
                text = text + TURN_SEPARATOR + more;
            } else if (!more.isEmpty()) {
                blocks.add(textBlock(more));
            }
        }

        void append(List<ObjectNode> more) {
            if (text != null && !text.isEmpty()) {
                blocks.add(textBlock(text));
            }
            text = null;
            blocks.addAll(more);
        }

        JsonNode content() {
            if (text != null) {
                return NODES.textNode(text);
            }
            ArrayNode content = NODES.arrayNode();
            blocks.forEach(content::add);
            return content;
        }
    }
}
