package io.llmclient.provider.simulator;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.tools.ResponseFormat;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.domain.tools.ToolChoice;
import io.llmclient.domain.tools.ToolDefinition;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Decides, from the request alone, whether the simulator calls tools and with what, and what a
 * JSON response format makes of the answer (docs/tool-calling.md, "Simulator"):
 *
 * <ul>
 *   <li>No tools, {@code tool_choice: none}, or a conversation whose last message is a tool
 *       result: no call (after tool results the simulator always answers in text, so an agent
 *       loop ends).</li>
 *   <li>A named function: that one. {@code required}: every declared tool whose name the last
 *       user message mentions (case-insensitive), else the first tool. {@code auto}: every
 *       mentioned tool, else none, so a prompt naming two tools gets two parallel calls.</li>
 *   <li>Arguments follow the tool's parameter schema, filled from the last user message's
 *       words by {@link SchemaValues}; ids are {@code call_} and hex derived from the request,
 *       so the same request gets the same calls, streamed or not.</li>
 * </ul>
 */
final class SimulatedTools {
    private SimulatedTools() {
    }

    /** The calls the simulator makes for {@code request}; empty when it answers in text. */
    static List<ToolCall> calls(ChatRequest request, long seed) {
        List<ToolDefinition> chosen = chosen(request);
        List<String> words = words(lastUserText(request.messages()));
        var calls = new ArrayList<ToolCall>(chosen.size());
        for (int i = 0; i < chosen.size(); i++) {
            ToolDefinition tool = chosen.get(i);
            calls.add(new ToolCall(id(seed, i), tool.name(), SchemaValues.json(tool.parameters(), words)));
        }
        return calls;
    }

    /** The answer in the request's response format: the text itself, or JSON built around it. */
    static String formatted(ChatRequest request, String text) {
        return switch (request.effectiveResponseFormat()) {
            case ResponseFormat.Text _ -> text;
            case ResponseFormat.JsonObject _ -> SchemaValues.json(Map.of("reply", text));
            case ResponseFormat.JsonSchema schema -> SchemaValues.json(schema.schema(),
                    words(lastUserText(request.messages())));
        };
    }

    private static List<ToolDefinition> chosen(ChatRequest request) {
        List<ToolDefinition> tools = request.tools();
        if (tools.isEmpty() || request.messages().getLast().role() == Role.TOOL) {
            return List.of();
        }
        String prompt = lastUserText(request.messages()).toLowerCase(Locale.ROOT);
        List<ToolDefinition> mentioned = tools.stream()
                .filter(tool -> prompt.contains(tool.name().toLowerCase(Locale.ROOT)))
                .toList();
        return switch (request.effectiveToolChoice()) {
            case ToolChoice.None _ -> List.of();
            case ToolChoice.Auto _ -> mentioned;
            case ToolChoice.Required _ -> mentioned.isEmpty() ? List.of(tools.getFirst()) : mentioned;
            case ToolChoice.Named named -> tools.stream().filter(tool -> tool.name().equals(named.name())).toList();
        };
    }

    /** The text of the last user message, or "" when there is none. */
    static String lastUserText(List<Message> messages) {
        for (Message message : messages.reversed()) {
            if (message.role() == Role.USER) {
                return message.content();
            }
        }
        return "";
    }

    /** Runs of letters and digits, in order. */
    static List<String> words(String text) {
        var words = new ArrayList<String>();
        int start = -1;
        for (int i = 0; i <= text.length(); i++) {
            boolean inWord = i < text.length() && Character.isLetterOrDigit(text.charAt(i));
            if (inWord && start < 0) {
                start = i;
            } else if (!inWord && start >= 0) {
                words.add(text.substring(start, i));
                start = -1;
            }
        }
        return words;
    }

    private static String id(long seed, int index) {
        return "call_" + HexFormat.of().toHexDigits(seed) + HexFormat.of().toHexDigits((short) index);
    }

    /** The tool name a tool message answers, from the assistant call with its id. */
    static Optional<String> answeredTool(List<Message> messages, String toolCallId) {
        return messages.stream().flatMap(message -> message.toolCalls().stream())
                .filter(call -> call.id().equals(toolCallId)).map(ToolCall::name).findFirst();
    }
}
