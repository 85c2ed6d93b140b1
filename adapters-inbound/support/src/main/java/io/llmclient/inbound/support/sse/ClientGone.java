package io.llmclient.inbound.support.sse;

import java.io.Serial;

/**
 * A stream's client can no longer be written to: it disconnected, or stopped reading for longer
 * than the write limit. Thrown out of the stream sink so that the provider stops; the request
 * then ends without an answer, since nobody is left to read one.
 */
public final class ClientGone extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    public ClientGone(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
