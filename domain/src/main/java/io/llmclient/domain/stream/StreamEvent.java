package io.llmclient.domain.stream;

import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.failure.LlmFailure;
import java.util.Objects;
import java.util.Optional;

/**
 * What a stream hands its consumer, in order: deltas (text or tool-call fragments), then
 * exactly one end.
 */
public sealed interface StreamEvent permits StreamEvent.Delta, StreamEvent.ToolCallDelta, StreamEvent.Completed,
        StreamEvent.Failed {

    /** A piece of generated text, as soon as the provider yields it. */
    record Delta(String text) implements StreamEvent {
        public Delta {
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * A fragment of one tool call, as soon as the provider yields it (OpenAI's
     * {@code delta.tool_calls[]} entry).
     *
     * <ul>
     *   <li>{@code index} is the call's position in {@link ChatResponse#toolCalls()} of the
     *       {@code Completed} event, counting from 0 in the order the calls started; it is not a
     *       provider's content-block index.</li>
     *   <li>The first fragment of an index {@link #starts() starts} the call: it carries the
     *       call's {@code id} and {@code name}, and may carry the first piece of its arguments
     *       (often empty). Later fragments of that index carry neither, only arguments.</li>
     *   <li>The {@code arguments} of all fragments of an index, concatenated in order, are
     *       exactly that call's {@code arguments} in {@code Completed}: fragments are passed on
     *       as the provider cut them, never re-cut or re-serialised.</li>
     *   <li>Calls start in index order (0, 1, 2, ...); fragments of different calls may
     *       interleave, so consumers key them by index.</li>
     *   <li>A call's {@link io.llmclient.domain.tools.ToolCall#thoughtSignature() thought signature},
     *       when the provider gave one, rides on its first fragment only.</li>
     * </ul>
     */
    record ToolCallDelta(int index, Optional<String> id, Optional<String> name, String arguments,
                         Optional<String> thoughtSignature) implements StreamEvent {
        public ToolCallDelta {
            if (index < 0) {
                throw new IllegalArgumentException("index must be >= 0");
            }
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(arguments, "arguments");
            if (id.isPresent() != name.isPresent()) {
                throw new IllegalArgumentException("the first fragment of a call carries both id and name");
            }
            Objects.requireNonNull(thoughtSignature, "thoughtSignature");
            if (thoughtSignature.isPresent() && id.isEmpty()) {
                throw new IllegalArgumentException("a thought signature rides on the first fragment of its call");
            }
            if (thoughtSignature.filter(String::isBlank).isPresent()) {
                throw new IllegalArgumentException("a thought signature is never blank; leave it empty instead");
            }
        }

        /** A fragment without a thought signature. */
        public ToolCallDelta(int index, Optional<String> id, Optional<String> name, String arguments) {
            this(index, id, name, arguments, Optional.empty());
        }

        /** The first fragment of call {@code index}. */
        public static ToolCallDelta start(int index, String id, String name, String arguments) {
            return new ToolCallDelta(index, Optional.of(id), Optional.of(name), arguments);
        }

        /** A later piece of call {@code index}'s arguments. */
        public static ToolCallDelta arguments(int index, String arguments) {
            return new ToolCallDelta(index, Optional.empty(), Optional.empty(), arguments);
        }

        /** This first fragment carrying its call's thought signature. */
        public ToolCallDelta withThoughtSignature(String signature) {
            return new ToolCallDelta(index, id, name, arguments, Optional.of(signature));
        }

        /** Whether this fragment starts its call (carries id and name). */
        public boolean starts() {
            return id.isPresent();
        }
    }

    /** The stream ended normally; the response holds the whole content, the tool calls and the usage. */
    record Completed(ChatResponse response) implements StreamEvent {
        public Completed {
            Objects.requireNonNull(response, "response");
        }
    }

    /** The stream ended with a failure after it had started. */
    record Failed(LlmFailure failure) implements StreamEvent {
        public Failed {
            Objects.requireNonNull(failure, "failure");
        }
    }
}
