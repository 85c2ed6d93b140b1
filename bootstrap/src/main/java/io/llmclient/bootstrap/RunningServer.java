package io.llmclient.bootstrap;

import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.service.LlmService;
import java.util.concurrent.CompletionStage;

/** A started service: the port it listens on, and a way to stop it. */
public interface RunningServer extends AutoCloseable {

    /** The use-case facade the endpoints call, for in-process callers such as tests. */
    LlmService service();

    /**
     * The per-provider circuit breakers and rate-limit queues, for in-process callers such as
     * tests that need to see how many callers wait.
     */
    ProviderGuards guards();

    /** The bound port (the real one when {@code SERVER_PORT} was 0). */
    int port();

    /**
     * Completes when the listener stopped without {@link #stop()} (an {@code accept} error such as
     * descriptor exhaustion): the port is closed for good and the process should exit.
     */
    CompletionStage<Void> listenerLost();

    /**
     * Drains, as on SIGTERM: {@code /ready} says DOWN and new requests get 503 at once, while the
     * requests and streams in flight get up to {@code LLM_SHUTDOWN_GRACE} to finish. Call
     * {@link #stop()} after it.
     *
     * @return true when everything in flight finished within the grace
     */
    boolean drain();

    /** Stops serving and releases files, cutting whatever is still in flight; idempotent. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
