package io.llmclient.application.provider;

import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import java.util.Objects;

/**
 * What a provider needs besides the request: the catalog entry selection resolved to (whose
 * {@code providerModel} is the upstream name to send) and the A2A context to forward as
 * {@code X-Trace-Id}, {@code X-Source-Agent}, {@code X-Session-Id}.
 */
public record CallContext(ModelEntry model, A2aContext a2a) {
    public CallContext {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(a2a, "a2a");
    }
}
