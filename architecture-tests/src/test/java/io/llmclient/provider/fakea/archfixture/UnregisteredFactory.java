package io.llmclient.provider.fakea.archfixture;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;

/** Breaks "every provider factory is listed for ServiceLoader": no services file names this class. */
public final class UnregisteredFactory implements LlmProviderFactory {
    @Override
    public ProviderId id() {
        return new ProviderId("fakea");
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        throw new UnsupportedOperationException("architecture fixture; never run");
    }
}
