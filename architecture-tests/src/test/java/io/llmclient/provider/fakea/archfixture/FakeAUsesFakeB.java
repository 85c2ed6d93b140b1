package io.llmclient.provider.fakea.archfixture;

import io.llmclient.provider.fakeb.archfixture.FakeBCodec;

/** Breaks "provider adapters do not depend on each other": provider fakea borrows fakeb's codec. */
public final class FakeAUsesFakeB {
    private FakeAUsesFakeB() {
    }

    public static String encode(String text) {
        return FakeBCodec.encode(text);
    }
}
