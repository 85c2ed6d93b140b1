package io.llmclient.domain.stream;

import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.failure.LlmFailure;
import java.util.Objects;

/** What a stream hands its consumer, in order: deltas, then exactly one end. */
public sealed interface StreamEvent permits StreamEvent.Delta, StreamEvent.Completed, StreamEvent.Failed {

    /** A piece of generated text, as soon as the provider yields it. */
    record Delta(String text) implements StreamEvent {
        public Delta {
            Objects.requireNonNull(text, "text");
        }
    }

    /** The stream ended normally; the response holds the whole content and the usage. */
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
