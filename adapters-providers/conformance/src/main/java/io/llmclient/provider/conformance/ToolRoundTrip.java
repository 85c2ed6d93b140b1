package io.llmclient.provider.conformance;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.tools.ToolCall;
import java.util.ArrayList;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * A full tool round trip as a provider test staged it: {@code first} makes the model call
 * tools; {@code followUp} turns its response into the next request (usually
 * {@link #answering}: the assistant's calls and one tool result per call), which must end in a
 * text answer, equal to {@code finalContent} when known. {@code upstreamCheck} runs after both
 * calls (for example to verify the translated tool results the stand-in server received).
 */
public record ToolRoundTrip(ChatRequest first, Function<ChatResponse, ChatRequest> followUp,
                            Optional<String> finalContent, Runnable upstreamCheck) {
    public ToolRoundTrip {
        Objects.requireNonNull(first, "first");
        Objects.requireNonNull(followUp, "followUp");
        Objects.requireNonNull(finalContent, "finalContent");
        Objects.requireNonNull(upstreamCheck, "upstreamCheck");
    }

    /** A round trip whose follow-up answers every call with {@code result}, checked for its shape only. */
    public static ToolRoundTrip of(ChatRequest first, Function<ToolCall, String> result) {
        return new ToolRoundTrip(first, called -> answering(first, called, result), Optional.empty(), () -> { });
    }

    /** The same round trip, whose final text must be exactly this. */
    public ToolRoundTrip withFinalContent(String expected) {
        return new ToolRoundTrip(first, followUp, Optional.of(expected), upstreamCheck);
    }

    /** The same round trip, checked afterwards on the stand-in server by {@code check}. */
    public ToolRoundTrip verifiedBy(Runnable check) {
        return new ToolRoundTrip(first, followUp, finalContent, check);
    }

    /**
     * The next turn of {@code first}'s conversation: its messages, the assistant message with
     * {@code called}'s tool calls (and text), then one tool message per call, in call order.
     */
    public static ChatRequest answering(ChatRequest first, ChatResponse called, Function<ToolCall, String> result) {
        var messages = new ArrayList<>(first.messages());
        messages.add(Message.assistantCalling(called.content(), called.toolCalls()));
        for (ToolCall call : called.toolCalls()) {
            messages.add(Message.toolResult(call.id(), result.apply(call)));
        }
        return first.withConversation(messages);
    }
}
