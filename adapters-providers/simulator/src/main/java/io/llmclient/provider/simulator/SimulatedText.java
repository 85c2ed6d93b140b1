package io.llmclient.provider.simulator;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.tools.ToolCall;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Derives the reply from the request alone, so the same request always gets the same text,
 * streamed or not: it echoes the start of the last user message (or, after tool results, names
 * each tool with the start of its result), then words drawn by a generator seeded from a
 * SHA-256 of the model and the messages.
 */
final class SimulatedText {
    private static final int ECHO_WORDS = 8;
    private static final int MIN_WORDS = 12;
    private static final int EXTRA_WORDS = 36;
    private static final List<String> VOCABULARY = List.of(
            "the", "gateway", "routes", "each", "request", "to", "a", "model", "that", "governance", "allows",
            "streams", "tokens", "back", "with", "usage", "and", "latency", "agents", "call", "it", "over",
            "JSON-RPC", "while", "tools", "use", "an", "OpenAI-compatible", "endpoint", "operators", "scrape",
            "metrics", "retries", "wait", "for", "rate", "limits", "providers", "answer", "in", "order",
            "this", "is", "simulated", "text", "offline", "deterministic", "reply");

    private SimulatedText() {
    }

    /** The full reply for a request to the given model. */
    static String reply(ChatRequest request, String model) {
        var random = new SplittableRandom(seed(request, model));
        var text = new StringBuilder("Simulated reply from ").append(model);
        List<Message> messages = request.messages();
        if (messages.getLast().role() == Role.TOOL) {
            text.append(" using ").append(toolResults(messages));
        } else {
            String echo = echo(messages);
            if (!echo.isEmpty()) {
                text.append(" to \"").append(echo).append('"');
            }
        }
        text.append(':');
        int words = MIN_WORDS + random.nextInt(EXTRA_WORDS);
        for (int i = 0; i < words; i++) {
            text.append(' ').append(VOCABULARY.get(random.nextInt(VOCABULARY.size())));
            if (i % 9 == 8 && i < words - 1) {
                text.append(',');
            }
        }
        return text.append('.').toString();
    }

    private static String echo(List<Message> messages) {
        for (Message message : messages.reversed()) {
            if (message.role() == Role.USER) {
                return start(message.content());
            }
        }
        return "";
    }

    private static String start(String content) {
        String[] words = content.strip().split("\\s+", ECHO_WORDS + 1);
        int shown = Math.min(words.length, ECHO_WORDS);
        String echo = String.join(" ", List.of(words).subList(0, shown));
        return words.length > ECHO_WORDS ? echo + " ..." : echo;
    }

    // The trailing tool messages, each as: name "start of its result".
    private static String toolResults(List<Message> messages) {
        var results = new ArrayList<String>();
        for (Message message : messages.reversed()) {
            if (message.role() != Role.TOOL) {
                break;
            }
            String id = message.toolCallId().orElseThrow();
            results.addFirst(SimulatedTools.answeredTool(messages, id).orElse(id) + " \"" + start(message.content())
                    + '"');
        }
        return String.join(", ", results);
    }

    /** The request's fingerprint: the same model and conversation always give the same seed. */
    static long seed(ChatRequest request, String model) {
        MessageDigest digest = sha256();
        digest.update(model.getBytes(StandardCharsets.UTF_8));
        for (Message message : request.messages()) {
            digest.update((byte) 0);
            digest.update(message.role().wireName().getBytes(StandardCharsets.UTF_8));
            digest.update((byte) 0);
            digest.update(message.content().getBytes(StandardCharsets.UTF_8));
            // Only tool turns add bytes, so every plain conversation keeps the seed it always had.
            for (ToolCall call : message.toolCalls()) {
                update(digest, (byte) 1, call.id(), call.name(), call.arguments());
            }
            message.toolCallId().ifPresent(id -> update(digest, (byte) 2, id));
        }
        byte[] hash = digest.digest();
        long seed = 0;
        for (int i = 0; i < Long.BYTES; i++) {
            seed = (seed << Byte.SIZE) | (hash[i] & 0xFF);
        }
        return seed;
    }

    private static void update(MessageDigest digest, byte marker, String... parts) {
        for (String part : parts) {
            digest.update(marker);
            digest.update(part.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException impossible) {
            // Every Java platform must ship SHA-256 (java.security.MessageDigest Javadoc).
            throw new IllegalStateException(impossible);
        }
    }
}
