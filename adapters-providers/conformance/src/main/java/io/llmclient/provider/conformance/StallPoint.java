package io.llmclient.provider.conformance;

/** Where a staged upstream goes silent. */
public enum StallPoint {
    /** No status line, no headers: the upstream never starts answering. */
    BEFORE_ANSWER,
    /** A stream that sent its headers and first chunk, then nothing more. */
    MID_STREAM
}
