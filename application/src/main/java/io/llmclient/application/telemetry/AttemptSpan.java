package io.llmclient.application.telemetry;

import io.llmclient.domain.chat.ChatResponse;
import java.util.Map;

/**
 * One upstream attempt as a trace records it, from {@link TracingPort#attemptStarted} to exactly one
 * of {@link #answered} and {@link #failed}; a second end is ignored. {@link #headers()} are what the
 * upstream request carries so that the provider's side joins the trace (W3C {@code traceparent}).
 */
public interface AttemptSpan {

    /** The headers the attempt's upstream request carries, by name; empty when tracing is off. */
    Map<String, String> headers();

    /** The attempt gave the request its answer: usage, finish reason, upstream model and cost. */
    void answered(ChatResponse response);

    /**
     * The attempt did not give the answer: it failed with the contract error type named (a retried
     * 429 included), the caller went away, or the call was cut short by a bug.
     */
    void failed(String errorType);

    /** An attempt of tracing off. */
    static AttemptSpan none() {
        return Untraced.INSTANCE;
    }

    /** The attempt of tracing off: no header, nothing recorded. */
    enum Untraced implements AttemptSpan {
        INSTANCE;

        @Override
        public Map<String, String> headers() {
            return Map.of();
        }

        @Override
        public void answered(ChatResponse response) {
        }

        @Override
        public void failed(String errorType) {
        }
    }
}
