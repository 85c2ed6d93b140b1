package io.llmclient.bootstrap.config;

import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderDescription;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * The descriptions of the provider modules on the class path (the shipped ones, through
 * providers-all), found as {@code LlmClientServer} finds them, plus any the test adds.
 */
final class ShippedProviders {

    private ShippedProviders() {
    }

    static List<ProviderDescription> describedWith(ProviderDescription... more) {
        var descriptions = new ArrayList<ProviderDescription>(ServiceLoader.load(LlmProviderFactory.class).stream()
                .map(provider -> provider.get().description()).toList());
        descriptions.addAll(List.of(more));
        return descriptions;
    }
}
