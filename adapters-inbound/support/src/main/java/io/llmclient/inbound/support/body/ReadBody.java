package io.llmclient.inbound.support.body;

import io.helidon.webserver.http.ServerRequest;

/**
 * A request body read in full before the request reached its handler, carried in the request's
 * context: the admission filter reads it (bounded in size, time and memory), the surfaces'
 * handlers take it from here.
 *
 * @param bytes the whole body
 */
public record ReadBody(byte[] bytes) {
    private static final byte[] NONE = new byte[0];

    /** Hands {@code bytes} on to the handler of {@code req}. */
    public static void attach(ServerRequest req, byte[] bytes) {
        req.context().register(new ReadBody(bytes));
    }

    /** The body read for {@code req}; empty when it has none. */
    public static byte[] of(ServerRequest req) {
        return req.context().get(ReadBody.class).map(ReadBody::bytes).orElse(NONE);
    }
}
