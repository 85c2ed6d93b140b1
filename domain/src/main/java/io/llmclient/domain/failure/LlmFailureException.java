package io.llmclient.domain.failure;

import java.io.Serial;
import java.util.Objects;

/**
 * Carries an {@link LlmFailure} through blocking call stacks. Providers throw it; the inbound
 * adapters catch it and map the failure to the caller's protocol.
 */
public final class LlmFailureException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    private final transient LlmFailure failure;

    public LlmFailureException(LlmFailure failure) {
        super(Objects.requireNonNull(failure, "failure").message(), null, false, false);
        this.failure = failure;
    }

    public LlmFailureException(LlmFailure failure, Throwable cause) {
        super(Objects.requireNonNull(failure, "failure").message(), cause, false, false);
        this.failure = failure;
    }

    public LlmFailure failure() {
        return failure;
    }
}
