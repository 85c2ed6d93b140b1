package io.llmclient.provider.anthropic;

import java.io.Serial;

/** An answer from Anthropic that does not have the documented shape. */
final class WireFormatException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    WireFormatException(String message) {
        super(message, null, false, false);
    }
}
