package io.llmclient.application.telemetry;

import io.llmclient.domain.chat.A2aContext;

/**
 * Structured request log lines (contract section 8). A port because the fields
 * ({@code trace_id}, {@code model}, {@code latency_ms}, ...) must reach the log as separate
 * JSON fields, which only the logging adapter knows how to do.
 */
public interface RequestLog {

    /** Why a model was chosen (or refused) for a request. */
    void selection(A2aContext context, String rationale);

    /** One finished request. */
    void completed(RequestRecord record);
}
