package io.llmclient.state.fake.archfixture;

import io.llmclient.provider.fakeb.archfixture.FakeBCodec;

/** Breaks "state adapters see only application and domain" (provider side). */
public final class StateUsesProvider {
    private StateUsesProvider() {
    }

    public static String codec() {
        return FakeBCodec.class.getName();
    }
}
