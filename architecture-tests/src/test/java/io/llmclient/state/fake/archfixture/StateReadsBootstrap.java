package io.llmclient.state.fake.archfixture;

import io.llmclient.bootstrap.archfixture.BootstrapSettings;

/** Breaks "state adapters see only application and domain" (bootstrap side). */
public final class StateReadsBootstrap {
    private StateReadsBootstrap() {
    }

    public static int port() {
        return BootstrapSettings.port();
    }
}
