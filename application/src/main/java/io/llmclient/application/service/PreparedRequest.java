package io.llmclient.application.service;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import java.util.Objects;

/**
 * A request that passed validation, governance and selection: everything that can refuse it
 * before a provider is called. Inbound adapters use the split to answer such refusals in
 * their ordinary error shape before a stream opens.
 */
public record PreparedRequest(ChatRequest request, ModelEntry model, long startNanos) {
    public PreparedRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
    }
}
