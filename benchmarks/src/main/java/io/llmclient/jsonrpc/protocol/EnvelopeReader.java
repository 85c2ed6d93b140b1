package io.llmclient.jsonrpc.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/** Opens {@link Envelope#read} (package-private) to the benchmarks. */
public final class EnvelopeReader {
    private EnvelopeReader() {
    }

    /** One JSON-RPC element read as the dispatcher reads it. */
    public static Envelope read(JsonNode element) {
        return Envelope.read(element);
    }
}
