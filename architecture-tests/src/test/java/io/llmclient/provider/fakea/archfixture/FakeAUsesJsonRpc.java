package io.llmclient.provider.fakea.archfixture;

import io.llmclient.jsonrpc.archfixture.JsonRpcCodes;

/** Breaks "provider adapters do not depend on the inbound adapter or bootstrap" (inbound side). */
public final class FakeAUsesJsonRpc {
    private FakeAUsesJsonRpc() {
    }

    public static int code() {
        return JsonRpcCodes.invalidParams();
    }
}
