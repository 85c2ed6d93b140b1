package io.llmclient.domain.catalog;

import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import java.util.Objects;

/**
 * One model the service knows: its catalog id, the provider that serves it, its tier, and
 * the provider's own name for it (the same as the id unless configured otherwise).
 */
public record ModelEntry(String id, ProviderId provider, ModelTier tier, String providerModel) {
    public ModelEntry {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(provider, "provider");
        Objects.requireNonNull(tier, "tier");
        Objects.requireNonNull(providerModel, "providerModel");
        if (id.isBlank()) {
            throw new IllegalArgumentException("model id must not be blank");
        }
    }

    /** An entry whose upstream name equals its catalog id. */
    public static ModelEntry of(String id, ProviderId provider, ModelTier tier) {
        return new ModelEntry(id, provider, tier, id);
    }
}
