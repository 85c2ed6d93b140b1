package io.llmclient.provider.openai;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** A whole HTTP answer read off the wire: status, the headers we look at, and the body. */
record HttpReply(int status, Map<String, String> headers, byte[] body) {
    HttpReply {
        headers = Map.copyOf(headers);
    }

    boolean successful() {
        return status >= 200 && status < 300;
    }

    /** A header by name, case-insensitively. */
    Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
}
