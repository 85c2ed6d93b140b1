package io.llmclient.provider.support.http;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A whole upstream answer read into memory: its status, the headers an adapter looks at, and
 * the body bytes. Header names are kept in lower case and looked up case-insensitively, since
 * HTTP header names are case-insensitive and servers differ in how they spell them.
 */
public record HttpReply(int status, Map<String, String> headers, byte[] body) {
    public HttpReply {
        Map<String, String> lowerCase = new HashMap<>();
        headers.forEach((name, value) -> lowerCase.put(name.toLowerCase(Locale.ROOT), value));
        headers = Map.copyOf(lowerCase);
        Objects.requireNonNull(body, "body");
    }

    /** Whether the status is 2xx. */
    public boolean successful() {
        return status >= 200 && status < 300;
    }

    /** A header by name, case-insensitively. */
    public Optional<String> header(String name) {
        return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
}
