package io.llmclient.jsonrpc;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits every inbound request is held to, on both surfaces. A body over {@code maxRequestBytes}
 * gets HTTP 413. A stream whose client leaves one write blocked (it reads nothing) for longer
 * than {@code streamWriteLimit} is ended as if the client had disconnected, which cancels the
 * upstream request.
 */
public record InboundLimits(long maxRequestBytes, Duration streamWriteLimit) {
    /** The write limit when none is configured; the contract's default request timeout. */
    public static final Duration DEFAULT_STREAM_WRITE_LIMIT = Duration.ofSeconds(60);

    public InboundLimits {
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be > 0");
        }
        Objects.requireNonNull(streamWriteLimit, "streamWriteLimit");
        if (streamWriteLimit.isNegative() || streamWriteLimit.isZero()) {
            throw new IllegalArgumentException("streamWriteLimit must be > 0");
        }
    }

    /** Limits with the default stream write limit. */
    public InboundLimits(long maxRequestBytes) {
        this(maxRequestBytes, DEFAULT_STREAM_WRITE_LIMIT);
    }
}
