package io.llmclient.jsonrpc.archfixture;

/** Stands in for the inbound adapter as the target of forbidden dependencies; breaks no rule itself. */
public final class JsonRpcCodes {
    private JsonRpcCodes() {
    }

    public static int invalidParams() {
        return -32602;
    }
}
