package io.llmclient.jsonrpc.method;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.governance.Caller;
import java.util.Objects;

/**
 * What a JSON-RPC request brings besides its body: the A2A context of its headers, and the caller
 * the auth filter authenticated (whose allow-list, limits and budget its calls run under).
 */
public record Inbound(A2aContext headers, Caller caller) {
    public Inbound {
        Objects.requireNonNull(headers, "headers");
        Objects.requireNonNull(caller, "caller");
    }

    /** The trace id of the headers (generated when they gave none). */
    public String traceId() {
        return headers.traceId();
    }
}
