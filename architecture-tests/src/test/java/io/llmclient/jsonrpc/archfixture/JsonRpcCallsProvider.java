package io.llmclient.jsonrpc.archfixture;

import io.llmclient.provider.fakeb.archfixture.FakeBCodec;

/** Breaks "the inbound adapter does not depend on providers or bootstrap" (provider side). */
public final class JsonRpcCallsProvider {
    private JsonRpcCallsProvider() {
    }

    public static String encode(String text) {
        return FakeBCodec.encode(text);
    }
}
