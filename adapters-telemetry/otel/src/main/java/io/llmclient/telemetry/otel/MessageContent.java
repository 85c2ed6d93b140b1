package io.llmclient.telemetry.otel;

import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.Message;
import java.util.List;

/**
 * The messages as the GenAI conventions' {@code gen_ai.input.messages} and
 * {@code gen_ai.output.messages} write them (JSON: role and text parts), for the one case where the
 * operator asked for content ({@code OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true}).
 * Text only: tool-call arguments stay out even then, being data of the caller's systems.
 */
final class MessageContent {
    private MessageContent() {
    }

    static String input(List<Message> messages) {
        var json = new StringBuilder("[");
        for (Message message : messages) {
            if (json.length() > 1) {
                json.append(',');
            }
            part(json, message.role().wireName(), message.content());
        }
        return json.append(']').toString();
    }

    static String output(ChatResponse response) {
        var json = new StringBuilder("[");
        part(json, "assistant", response.content());
        return json.append(']').toString();
    }

    private static void part(StringBuilder json, String role, String text) {
        json.append("{\"role\":");
        quoted(json, role);
        json.append(",\"parts\":[{\"type\":\"text\",\"content\":");
        quoted(json, text);
        json.append("}]}");
    }

    private static void quoted(StringBuilder json, String text) {
        json.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append(String.format("\\u%04x", (int) c));
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        json.append('"');
    }
}
