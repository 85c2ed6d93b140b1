package io.llmclient.application.state;

/**
 * The shared state did not answer within its timeout, refused the call (read-only, wrong
 * password) or answered something this version cannot read. Thrown by shared-state adapters for
 * every such failure, with a message that names what happened and never a password.
 */
public final class StateUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StateUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public StateUnavailableException(String message) {
        super(message);
    }
}
