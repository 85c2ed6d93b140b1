package io.llmclient.provider.conformance;

import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.tools.ToolCall;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A tool-calling scenario as a provider test staged it: either the provider serves it (an
 * {@link Answer}, whose tool calls and text the suite checks exactly when the provider knows
 * them in advance, as a recorded fixture does), or the provider lacks the capability and must
 * refuse it with InvalidParams naming {@link Refusal#field()} (never drop it silently).
 */
public sealed interface ToolStaged permits ToolStaged.Answer, ToolStaged.Refusal {

    /** The request the suite sends. */
    ChatRequest request();

    /**
     * The provider answers. {@code upstreamCheck} runs after the call, for the provider's own
     * assertions on what its stand-in server received (the translated tools, tool_choice, ...).
     */
    record Answer(ChatRequest request, Optional<List<ToolCall>> toolCalls, Optional<String> content,
                  Runnable upstreamCheck) implements ToolStaged {
        public Answer {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(toolCalls, "toolCalls");
            toolCalls = toolCalls.map(List::copyOf);
            Objects.requireNonNull(content, "content");
            Objects.requireNonNull(upstreamCheck, "upstreamCheck");
        }

        /** The same answer, whose tool calls must be exactly these, in this order. */
        public Answer withToolCalls(List<ToolCall> expected) {
            return new Answer(request, Optional.of(expected), content, upstreamCheck);
        }

        /** The same answer, whose text must be exactly this. */
        public Answer withContent(String expected) {
            return new Answer(request, toolCalls, Optional.of(expected), upstreamCheck);
        }

        /** The same answer, checked afterwards on the stand-in server by {@code check}. */
        public Answer verifiedBy(Runnable check) {
            return new Answer(request, toolCalls, content, check);
        }
    }

    /** The provider cannot serve the request and must refuse it with InvalidParams naming {@code field}. */
    record Refusal(ChatRequest request, String field) implements ToolStaged {
        public Refusal {
            Objects.requireNonNull(request, "request");
            Objects.requireNonNull(field, "field");
        }
    }

    /** A request whose answer the suite checks for its shape only. */
    static Answer answer(ChatRequest request) {
        return new Answer(request, Optional.empty(), Optional.empty(), () -> { });
    }

    /** A request the provider must refuse, naming {@code field} (such as {@code response_format}). */
    static Refusal refused(ChatRequest request, String field) {
        return new Refusal(request, field);
    }
}
