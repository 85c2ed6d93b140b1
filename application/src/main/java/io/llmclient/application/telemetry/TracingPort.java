package io.llmclient.application.telemetry;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import java.util.concurrent.Callable;

/**
 * Where the service reports what a trace shows (contract section 13): who a request is, and each
 * upstream attempt it makes. An adapter turns these into spans; the application knows nothing of
 * the tracing library. Calls are cheap and never throw; {@link #none()} traces nothing.
 */
public interface TracingPort {

    /**
     * The request on the current thread is known to be {@code context}'s (its trace id, source agent,
     * session and principal); may be told more than once (a batch tells each of its calls).
     */
    void requestIdentified(A2aContext context);

    /**
     * One upstream attempt of {@code request} on {@code model} begins: each retry and each fallback
     * is an attempt of its own. The returned span is ended by exactly one of its two ends.
     */
    AttemptSpan attemptStarted(ModelEntry model, ChatRequest request);

    /**
     * {@code task} as it must run on another thread working for the current request (a batch's
     * calls), so that what it reports belongs to the same trace. Default: {@code task} itself.
     */
    default <T> Callable<T> carried(Callable<T> task) {
        return task;
    }

    /** A port that traces nothing: tracing off. */
    static TracingPort none() {
        return None.INSTANCE;
    }

    /** The port of tracing off; its attempts send no header upstream. */
    enum None implements TracingPort {
        INSTANCE;

        @Override
        public void requestIdentified(A2aContext context) {
        }

        @Override
        public AttemptSpan attemptStarted(ModelEntry model, ChatRequest request) {
            return AttemptSpan.none();
        }
    }
}
