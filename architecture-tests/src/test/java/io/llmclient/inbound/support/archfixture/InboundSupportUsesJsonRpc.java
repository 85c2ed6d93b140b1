package io.llmclient.inbound.support.archfixture;

import io.llmclient.jsonrpc.archfixture.JsonRpcCodes;

/** Breaks "inbound support depends on no surface": the shared support knowing the JSON-RPC surface. */
public final class InboundSupportUsesJsonRpc {
    private InboundSupportUsesJsonRpc() {
    }

    public static int code() {
        return JsonRpcCodes.invalidParams();
    }
}
