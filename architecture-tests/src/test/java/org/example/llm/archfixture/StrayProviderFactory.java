package org.example.llm.archfixture;

import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.provider.LlmProviderFactory;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.ProviderId;

/**
 * Breaks "provider factories lie where the rules look": a provider module outside
 * {@code io.llmclient.provider}, which bootstrap would find and run and no package rule would check.
 * Listed for ServiceLoader only in {@code stray-provider-module/}, which no test puts on the class path
 * except the one that shows the rule failing.
 */
public final class StrayProviderFactory implements LlmProviderFactory {
    @Override
    public ProviderId id() {
        return new ProviderId("stray");
    }

    @Override
    public LlmProvider create(ProviderSettings settings) {
        throw new UnsupportedOperationException("architecture fixture; never run");
    }
}
