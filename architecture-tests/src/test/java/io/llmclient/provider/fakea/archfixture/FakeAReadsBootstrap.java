package io.llmclient.provider.fakea.archfixture;

import io.llmclient.bootstrap.archfixture.BootstrapSettings;

/** Breaks "provider adapters do not depend on the inbound adapter or bootstrap" (bootstrap side). */
public final class FakeAReadsBootstrap {
    private FakeAReadsBootstrap() {
    }

    public static int port() {
        return BootstrapSettings.port();
    }
}
