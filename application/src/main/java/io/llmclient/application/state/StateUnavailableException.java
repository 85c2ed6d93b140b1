package io.llmclient.application.state;

/**
 * The shared state did not answer within its timeout, refused the call (read-only, wrong
 * password) or answered something this version cannot read. Thrown by shared-state adapters for
 * every such failure, with a message that names what happened and never a password. A failure of
 * {@linkplain #thisCallOnly this call only} (the store answered, but the call's own keys are of a
 * shape this version did not write) fails the call without marking the store unavailable.
 */
public final class StateUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final boolean thisCallOnly;

    public StateUnavailableException(String message, Throwable cause) {
        this(message, cause, false);
    }

    public StateUnavailableException(String message) {
        this(message, null, false);
    }

    private StateUnavailableException(String message, Throwable cause, boolean thisCallOnly) {
        super(message, cause);
        this.thisCallOnly = thisCallOnly;
    }

    /** A failure of one call whose store answered: other calls are not expected to fail. */
    public static StateUnavailableException ofThisCallOnly(String message, Throwable cause) {
        return new StateUnavailableException(message, cause, true);
    }

    /** True when the store answered and only this call failed (see {@link #ofThisCallOnly}). */
    public boolean thisCallOnly() {
        return thisCallOnly;
    }
}
