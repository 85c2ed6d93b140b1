package io.llmclient.provider.anthropic;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import java.util.ArrayList;
import java.util.List;

/**
 * Domain request -> Messages API body ({@code POST /v1/messages}).
 *
 * <ul>
 *   <li>Anthropic has no {@code system} role: every system message moves to the top-level
 *       {@code system} string, several joined in order by a blank line.</li>
 *   <li>The remaining turns must alternate, so consecutive turns of the same role (also those
 *       that became neighbours when a system message between them moved out) are merged into one,
 *       their texts joined by a blank line.</li>
 *   <li>{@code max_tokens} is required by Anthropic: the caller's value, else the configured
 *       default for the model.</li>
 *   <li>The contract accepts temperature 0..2, Anthropic 0..1: a value above 1 is clamped to 1
 *       (the most random Anthropic allows) rather than refused, because selection by tier or
 *       complexity may route a request written for another provider here, and refusing would
 *       fail a request the caller wrote correctly.</li>
 * </ul>
 */
final class AnthropicRequestMapper {
    static final double MAX_TEMPERATURE = 1.0;
    private static final String TURN_SEPARATOR = "\n\n";

    private AnthropicRequestMapper() {
    }

    /** The wire body for {@code request}, sent to {@code providerModel}. */
    static ObjectNode map(ChatRequest request, String providerModel, int defaultMaxTokens, boolean stream) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("model", providerModel);
        body.put("max_tokens", request.maxTokens().orElse(defaultMaxTokens));
        List<String> system = request.messages().stream()
                .filter(message -> message.role() == Role.SYSTEM)
                .map(Message::content)
                .toList();
        if (!system.isEmpty()) {
            body.put("system", String.join(TURN_SEPARATOR, system));
        }
        ArrayNode messages = body.putArray("messages");
        for (Message turn : mergedTurns(request.messages())) {
            messages.addObject().put("role", turn.role().wireName()).put("content", turn.content());
        }
        request.temperature().ifPresent(t -> body.put("temperature", Math.min(t, MAX_TEMPERATURE)));
        if (stream) {
            body.put("stream", true);
        }
        return body;
    }

    private static List<Message> mergedTurns(List<Message> messages) {
        List<Message> turns = new ArrayList<>();
        for (Message message : messages) {
            if (message.role() == Role.SYSTEM) {
                continue;
            }
            if (!turns.isEmpty() && turns.getLast().role() == message.role()) {
                Message previous = turns.removeLast();
                turns.add(new Message(message.role(), previous.content() + TURN_SEPARATOR + message.content()));
            } else {
                turns.add(message);
            }
        }
        return turns;
    }
}
