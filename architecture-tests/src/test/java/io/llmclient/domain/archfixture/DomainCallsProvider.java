package io.llmclient.domain.archfixture;

import io.llmclient.provider.fakeb.archfixture.FakeBCodec;

/** Breaks "domain and application never depend on adapters" (and with it "domain depends on the JDK only"). */
public final class DomainCallsProvider {
    private DomainCallsProvider() {
    }

    public static String encode(String text) {
        return FakeBCodec.encode(text);
    }
}
