package io.llmclient.provider.openai;

import java.io.Serial;

/** The upstream answered 2xx with something that is not a Chat Completions body or chunk. */
final class WireFormatException extends RuntimeException {
    @Serial
    private static final long serialVersionUID = 1L;

    WireFormatException(String reason) {
        super(reason, null, false, false);
    }
}
