package io.llmclient.provider.support.archfixture;

import io.llmclient.provider.fakeb.archfixture.FakeBCodec;

/** Breaks "the shared support depends on no adapter": the library borrows provider fakeb's codec. */
public final class SupportUsesFakeB {
    private SupportUsesFakeB() {
    }

    public static String encode(String text) {
        return FakeBCodec.encode(text);
    }
}
