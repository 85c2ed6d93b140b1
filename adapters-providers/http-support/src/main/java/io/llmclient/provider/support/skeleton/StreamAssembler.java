package io.llmclient.provider.support.skeleton;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.stream.ToolCallAssembler;
import io.llmclient.domain.tools.ToolCall;
import io.llmclient.provider.support.sse.ServerSentEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * Folds one stream, event by event, into what the caller sees and the final answer, the same way
 * for every provider: the provider's {@link StreamDecoder} says what each event means, this keeps
 * the text, passes every text and tool-call fragment on, and rebuilds the completed calls from
 * exactly the fragments passed on ({@link ToolCallAssembler}), so the stream's fragments and its
 * {@code Completed} answer never disagree. Not thread-safe: one per stream.
 */
public final class StreamAssembler {
    private final StreamDecoder decoder;
    private final ErrorMapper errors;
    private final StringBuilder content = new StringBuilder();
    private final ToolCallAssembler toolCalls = new ToolCallAssembler();
    /** What the event being read adds: one list for the whole stream, not one per event (the hot path). */
    private final List<StreamEvent> added = new ArrayList<>(4);
    private final List<StreamEvent> addedView = Collections.unmodifiableList(added);
    private int events;

    /** @param errors maps an error event to its failure ({@link #failure}) */
    public StreamAssembler(StreamDecoder decoder, ErrorMapper errors) {
        this.decoder = Objects.requireNonNull(decoder, "decoder");
        this.errors = Objects.requireNonNull(errors, "errors");
    }

    /**
     * Takes one event; returns the text deltas and tool-call fragments it adds, in order (none when
     * it adds none). The list is a view that the next event replaces: hand its events on before
     * taking the next one.
     *
     * @throws LlmFailureException when the event is the provider's error
     * @throws WireFormatException when the event does not have its documented shape
     */
    public List<StreamEvent> accept(ServerSentEvent event) {
        events++;
        added.clear();
        decoder.decode(event, this);
        return addedView;
    }

    /** Adds text: kept for the answer and passed on as a {@link StreamEvent.Delta}; an empty text adds nothing. */
    public void text(String text) {
        if (text.isEmpty()) {
            return;
        }
        content.append(text);
        added.add(new StreamEvent.Delta(text));
    }

    /**
     * Adds a tool-call fragment: passed on as it is, and kept for the answer's calls.
     *
     * @throws IllegalArgumentException when it breaks the fragment rules (see {@link ToolCallAssembler#add})
     */
    public void toolCall(StreamEvent.ToolCallDelta fragment) {
        toolCalls.add(fragment);
        added.add(fragment);
    }

    /** The exception for the provider's {@code error} object inside a 2xx answer, for the decoder to throw. */
    public LlmFailureException failure(JsonNode error) {
        return new LlmFailureException(errors.fromStream(error));
    }

    /** How many events were read, this one included, for messages about the stream. */
    public int events() {
        return events;
    }

    /** Whether any text was added. */
    public boolean hasContent() {
        return !content.isEmpty();
    }

    /** The tool calls so far, rebuilt from their fragments. */
    public List<ToolCall> toolCalls() {
        return toolCalls.toolCalls();
    }

    /** See {@link StreamDecoder#accepted()}. */
    public boolean accepted() {
        return decoder.accepted();
    }

    /** See {@link StreamDecoder#reportedSoFar()}. */
    public Usage reportedSoFar() {
        return decoder.reportedSoFar();
    }

    /** See {@link StreamDecoder#done()}. */
    public boolean done() {
        return decoder.done();
    }

    /** See {@link StreamDecoder#whole()}. */
    public boolean whole() {
        return decoder.whole();
    }

    /** Why the stream failed when its body ended before the answer was whole. */
    public String endedEarly() {
        return decoder.endedEarly(events);
    }

    /** The whole answer ({@link StreamDecoder#finish}); ask once the stream is {@link #whole()}. */
    public Completion result() {
        return decoder.finish(this);
    }

    /** The answer with the text and tool calls added so far, for {@link StreamDecoder#finish}. */
    public Completion completion(String id, String providerModel, FinishReason finishReason, Usage usage) {
        return new Completion(id, providerModel, content.toString(), toolCalls.toolCalls(), finishReason, usage);
    }
}
