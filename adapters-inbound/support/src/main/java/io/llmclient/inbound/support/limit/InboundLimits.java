package io.llmclient.inbound.support.limit;

import java.time.Duration;
import java.util.Objects;

/**
 * Limits every inbound request is held to, on both surfaces. A body over {@code maxRequestBytes}
 * gets HTTP 413. A stream whose client leaves one write blocked (it reads nothing) for longer
 * than {@code streamWriteLimit} is ended as if the client had disconnected, which cancels the
 * upstream request. A stream that has written nothing for {@code sseKeepAlive} (waiting for its
 * first token, or between tokens) gets an SSE comment line {@code : keep-alive}, so that load
 * balancers and proxies do not close it as idle ({@code LLM_SSE_KEEPALIVE}).
 */
public record InboundLimits(long maxRequestBytes, Duration streamWriteLimit, Duration sseKeepAlive) {
    /** The write limit when none is configured; the contract's default request timeout. */
    public static final Duration DEFAULT_STREAM_WRITE_LIMIT = Duration.ofSeconds(60);
    /** The keep-alive interval when none is configured; the contract's default {@code LLM_SSE_KEEPALIVE}. */
    public static final Duration DEFAULT_SSE_KEEP_ALIVE = Duration.ofSeconds(15);

    public InboundLimits {
        if (maxRequestBytes <= 0) {
            throw new IllegalArgumentException("maxRequestBytes must be > 0");
        }
        Objects.requireNonNull(streamWriteLimit, "streamWriteLimit");
        if (streamWriteLimit.isNegative() || streamWriteLimit.isZero()) {
            throw new IllegalArgumentException("streamWriteLimit must be > 0");
        }
        Objects.requireNonNull(sseKeepAlive, "sseKeepAlive");
        if (sseKeepAlive.isNegative() || sseKeepAlive.isZero()) {
            throw new IllegalArgumentException("sseKeepAlive must be > 0");
        }
    }

    /** Limits with the default keep-alive interval. */
    public InboundLimits(long maxRequestBytes, Duration streamWriteLimit) {
        this(maxRequestBytes, streamWriteLimit, DEFAULT_SSE_KEEP_ALIVE);
    }

    /** Limits with the default stream write limit and keep-alive interval. */
    public InboundLimits(long maxRequestBytes) {
        this(maxRequestBytes, DEFAULT_STREAM_WRITE_LIMIT);
    }
}
