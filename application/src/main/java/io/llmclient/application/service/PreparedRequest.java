package io.llmclient.application.service;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import java.util.Objects;

/**
 * A request that passed validation, governance and selection: everything that can refuse it
 * before a provider is called. Inbound adapters use the split to answer such refusals in
 * their ordinary error shape before a stream opens.
 *
 * @param providerTime the time this request has waited on providers, filled in while it is
 *                     served; it goes with the request when it falls back to another model,
 *                     and {@link LlmService#overhead(PreparedRequest)} subtracts it
 */
public record PreparedRequest(ChatRequest request, ModelEntry model, long startNanos, ProviderTime providerTime) {
    public PreparedRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(providerTime, "providerTime");
    }

    /** A request that has not waited on any provider yet. */
    public PreparedRequest(ChatRequest request, ModelEntry model, long startNanos) {
        this(request, model, startNanos, new ProviderTime());
    }
}
