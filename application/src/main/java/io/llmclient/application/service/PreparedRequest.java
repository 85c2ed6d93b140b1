package io.llmclient.application.service;

import io.llmclient.application.accounting.RequestTimer;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ChatRequest;
import java.time.Duration;
import java.util.Objects;

/**
 * A request that passed validation, governance and selection: everything that can refuse it
 * before a provider is called. Inbound adapters use the split to answer such refusals in
 * their ordinary error shape before a stream opens.
 *
 * @param timer the request's time in the gateway, from its arrival; it goes with the request when
 *              it falls back to another model
 */
public record PreparedRequest(ChatRequest request, ModelEntry model, RequestTimer timer) {
    public PreparedRequest {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timer, "timer");
    }

    /**
     * What the gateway itself has added to this request so far, the value of
     * {@code X-Gateway-Overhead-Ms}: see {@link RequestTimer}. Read when a stream's headers go out,
     * it is the delay the gateway added before the first byte.
     */
    public Duration overhead() {
        return timer.overhead();
    }
}
