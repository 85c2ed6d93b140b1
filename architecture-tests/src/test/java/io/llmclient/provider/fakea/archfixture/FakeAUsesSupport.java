package io.llmclient.provider.fakea.archfixture;

import io.llmclient.provider.support.archfixture.SupportCodec;

/** Breaks no rule: an adapter may use the shared provider support library. */
public final class FakeAUsesSupport {
    private FakeAUsesSupport() {
    }

    public static String encode(String text) {
        return SupportCodec.encode(text);
    }
}
