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

    /**
     * How bootstrap configures this provider: its variables, default base URL, activation and
     * options. By default the plug-in convention derived from {@link #id()}
     * ({@link ProviderDescription#byConvention}), so a factory written before descriptions existed
     * keeps reading {@code <ID>_API_KEY} and {@code <ID>_BASE_URL}.
     */
    default ProviderDescription description() {
        return ProviderDescription.byConvention(id());
    }

    /** Builds the provider. Called at most once, on first use. Must not call the network. */
    LlmProvider create(ProviderSettings settings);
}
