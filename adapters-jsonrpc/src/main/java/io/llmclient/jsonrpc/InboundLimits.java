package io.llmclient.jsonrpc;

/** Limits every inbound request is held to; a body over {@code maxRequestBytes} gets HTTP 413. */
public record InboundLimits(long maxRequestBytes) {
    public InboundLimits {
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be > 0");
        }
    }
}
