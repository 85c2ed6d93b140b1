package io.llmclient.provider.gemini;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import java.util.List;

/**
 * Domain request -> the body of {@code generateContent} / {@code streamGenerateContent}, in the
 * camelCase the official SDKs send: user and assistant turns become {@code contents} (roles
 * {@code user} and {@code model}), system turns become {@code systemInstruction}, sampling goes
 * to {@code generationConfig}.
 */
final class GeminiRequestMapper {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private GeminiRequestMapper() {
    }

    static ObjectNode map(ChatRequest request) {
        ObjectNode body = JSON.objectNode();
        ArrayNode contents = body.putArray("contents");
        List<Message> system = request.messages().stream().filter(m -> m.role() == Role.SYSTEM).toList();
        for (Message message : request.messages()) {
            if (message.role() != Role.SYSTEM) {
                contents.add(content(role(message.role()), List.of(message)));
            }
        }
        ObjectNode config = body.putObject("generationConfig");
        request.maxTokens().ifPresent(max -> config.put("maxOutputTokens", max));
        request.temperature().ifPresent(temperature -> config.put("temperature", temperature));
        if (!system.isEmpty()) {
            // Gemini has one system instruction, not system turns: every system message becomes one of
            // its parts, in order, wherever it stood in the conversation. The role is ignored by the API;
            // it is sent as "user" because the official SDKs send that.
            body.set("systemInstruction", content("user", system));
        }
        return body;
    }

    private static ObjectNode content(String role, List<Message> messages) {
        ObjectNode content = JSON.objectNode();
        ArrayNode parts = content.putArray("parts");
        messages.forEach(message -> parts.addObject().put("text", message.content()));
        content.put("role", role);
        return content;
    }

    private static String role(Role role) {
        return switch (role) {
            case USER -> "user";
            case ASSISTANT -> "model";
            case SYSTEM -> throw new IllegalArgumentException("system turns go to systemInstruction");
            // Tool results become functionResponse parts in part 2 of issue 13; until then refused, never dropped.
            case TOOL -> throw new LlmFailureException(new LlmFailure.InvalidParams(List.of(new FieldError(
                    "messages", "tool messages are not supported by provider gemini yet"))));
        };
    }
}
