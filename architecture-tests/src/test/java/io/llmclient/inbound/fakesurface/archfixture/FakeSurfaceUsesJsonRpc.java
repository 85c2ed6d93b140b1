package io.llmclient.inbound.fakesurface.archfixture;

import io.llmclient.jsonrpc.archfixture.JsonRpcCodes;

/** Breaks "inbound surfaces do not depend on each other": a surface module borrowing JSON-RPC's codes. */
public final class FakeSurfaceUsesJsonRpc {
    private FakeSurfaceUsesJsonRpc() {
    }

    public static int code() {
        return JsonRpcCodes.invalidParams();
    }
}
