package io.llmclient.provider.support.archfixture;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;

/** Breaks "the shared support is a library, not a provider": it offers a provider factory. */
public final class SupportFactory implements LlmProviderFactory {
    @Override
    public ProviderId id() {
        return new ProviderId("support");
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        throw new UnsupportedOperationException("architecture fixture; never run");
    }
}
