package io.llmclient.application.telemetry;

import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * One finished request as the request log records it. {@code model} and {@code provider} are
 * absent when the request never reached selection; {@code errorType} when it succeeded; {@code cost}
 * when the call was not priced ({@code cost_usd}).
 */
public record RequestRecord(
        A2aContext context,
        String operation,
        Optional<String> model,
        Optional<String> provider,
        Duration latency,
        Status status,
        Optional<String> errorType,
        Optional<NanoUsd> cost) {

    /** How the request ended. */
    public enum Status { SUCCESS, ERROR }

    public RequestRecord {
        Objects.requireNonNull(context, "context");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(errorType, "errorType");
        Objects.requireNonNull(cost, "cost");
    }

    /** A record without a cost (refused, or the model has no price). */
    public RequestRecord(A2aContext context, String operation, Optional<String> model, Optional<String> provider,
                         Duration latency, Status status, Optional<String> errorType) {
        this(context, operation, model, provider, latency, status, errorType, Optional.empty());
    }
}
