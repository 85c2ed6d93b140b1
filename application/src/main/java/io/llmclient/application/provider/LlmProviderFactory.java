package io.llmclient.application.provider;

import io.llmclient.domain.chat.ProviderId;

/**
 * The service-provider interface each provider module registers in
 * {@code META-INF/services}. Found with {@link java.util.ServiceLoader}, so adding a provider
 * is adding a module: nothing in domain, application or other adapters changes.
 */
public interface LlmProviderFactory {

    /** The id this factory's provider answers to, as used in the model catalog. */
    ProviderId id();

    /** Builds the provider. Called at most once, on first use. Must not call the network. */
    LlmProvider create(ProviderSettings settings);
}
