package io.llmclient.jsonrpc.archfixture;

import io.llmclient.bootstrap.archfixture.BootstrapSettings;

/** Breaks "the inbound adapter does not depend on providers or bootstrap" (bootstrap side). */
public final class JsonRpcReadsBootstrap {
    private JsonRpcReadsBootstrap() {
    }

    public static int port() {
        return BootstrapSettings.port();
    }
}
