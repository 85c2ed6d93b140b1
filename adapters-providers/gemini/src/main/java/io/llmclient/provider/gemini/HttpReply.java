package io.llmclient.provider.gemini;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** A whole upstream answer read into memory: status, the headers the adapter reads, body bytes. */
record HttpReply(int status, Map<String, String> headers, byte[] body) {
    HttpReply {
        headers = Map.copyOf(headers);
        Objects.requireNonNull(body, "body");
    }

    boolean successful() {
        return status >= 200 && status < 300;
    }

    /** A header by its lower-case name. */
    Optional<String> header(String lowerCaseName) {
        return Optional.ofNullable(headers.get(lowerCaseName));
    }
}
