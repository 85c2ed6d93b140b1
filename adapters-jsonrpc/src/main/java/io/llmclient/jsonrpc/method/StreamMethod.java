package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.JsonNode;
import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.application.provider.StreamSink;
import java.time.Duration;
import java.util.Optional;

/**
 * A JSON-RPC method answered with a stream of events instead of one result ({@code llm.stream}).
 * It runs in two steps so that every refusal that can come before streaming (params, governance,
 * selection) is answered as an ordinary JSON-RPC error, and only a call that passed them opens
 * the stream.
 */
@FunctionalInterface
public interface StreamMethod {

    /**
     * Checks and prepares the call; throws {@link io.llmclient.domain.failure.LlmFailureException}
     * to refuse it. {@code arrived} marks the request's arrival, from which latency, time to
     * first token and overhead are measured.
     */
    Prepared prepare(Optional<JsonNode> params, Inbound inbound, RequestTimer arrived);

    /** A call that passed every check and streams when run. */
    @FunctionalInterface
    interface Prepared {
        /**
         * Streams to the sink: deltas, then one {@code Completed} or {@code Failed}. A failure
         * before the first event is thrown as {@link io.llmclient.domain.failure.LlmFailureException}.
         */
        void run(StreamSink sink);

        /**
         * What the gateway has added so far (time in the service minus provider wait, the wait
         * counted up to the first delta), read when the stream's headers go out; zero when unknown.
         */
        default Duration overhead() {
            return Duration.ZERO;
        }

        /**
         * Gives back what the call was admitted with (its caller's in-flight place) when it never
         * ran; does nothing after it ran. Called once the stream is over, whatever happened.
         */
        default void release() {
        }
    }
}
