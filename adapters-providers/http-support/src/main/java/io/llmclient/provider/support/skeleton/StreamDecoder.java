package io.llmclient.provider.support.skeleton;

import io.llmclient.domain.chat.Usage;
import io.llmclient.provider.support.sse.ServerSentEvent;

/**
 * A provider's part of reading a stream: the meaning of its events. One decoder per stream (it
 * keeps what the events said so far: ids, the finish reason, the token counts, how the provider
 * numbers its tool calls); the text and the tool-call fragments go to the stream's
 * {@link StreamAssembler}, which keeps them, hands them on and rebuilds the calls from them.
 */
public interface StreamDecoder {
    /**
     * Reads one event: its text with {@link StreamAssembler#text}, its tool-call fragments with
     * {@link StreamAssembler#toolCall}, in the order the caller must see them.
     *
     * @throws WireFormatException when the event does not have its documented shape
     * @throws io.llmclient.domain.failure.LlmFailureException when the event is the provider's error
     *                                                           ({@link StreamAssembler#failure})
     */
    void decode(ServerSentEvent event, StreamAssembler into);

    /**
     * Whether the provider has accepted the stream and no answer has ended it yet, asked after each
     * event: the first {@code true} lets the caller's sink open its own answer
     * ({@link io.llmclient.application.provider.StreamSink#opened()}). Providers that cannot tell
     * (every event of theirs may carry text) keep the default, {@code false}.
     */
    default boolean accepted() {
        return false;
    }

    /**
     * Whether the event that ends the stream has arrived ({@code [DONE]}, {@code message_stop}):
     * nothing after it is read. The default, for providers without such an event, is {@code false}:
     * the end of the body ends the stream.
     */
    default boolean done() {
        return false;
    }

    /**
     * Whether what has come is a whole answer, so that the end of the body, or a silence longer than
     * the request timeout, ends the stream well. By default only once {@link #done()}.
     */
    default boolean whole() {
        return done();
    }

    /** Why a body that ended before the answer was {@link #whole()} failed, after {@code events} events. */
    String endedEarly(int events);

    /**
     * The usage the provider has reported so far, for charging a stream that is cancelled or fails
     * before its end; zero for a provider that reports usage only at the end.
     */
    default Usage reportedSoFar() {
        return Usage.ZERO;
    }

    /**
     * The answer, once {@link #whole()}: content and tool calls from {@code assembled}
     * ({@link StreamAssembler#completion}).
     *
     * @throws WireFormatException when what came does not make an answer
     * @throws io.llmclient.domain.failure.LlmFailureException when the provider's answer is a failure it names
     */
    Completion finish(StreamAssembler assembled);
}
