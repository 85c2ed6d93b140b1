package io.llmclient.bootstrap;

import io.llmclient.application.resilience.ProviderGuards;
import io.llmclient.application.service.LlmService;

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

    /** Stops serving and releases files; idempotent. */
    void stop();

    @Override
    default void close() {
        stop();
    }
}
