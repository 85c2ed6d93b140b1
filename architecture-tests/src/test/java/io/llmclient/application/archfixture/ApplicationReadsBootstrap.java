package io.llmclient.application.archfixture;

import io.llmclient.bootstrap.archfixture.BootstrapSettings;

/** Breaks "domain and application never depend on bootstrap" (and with it "application depends on domain only"). */
public final class ApplicationReadsBootstrap {
    private ApplicationReadsBootstrap() {
    }

    public static int port() {
        return BootstrapSettings.port();
    }
}
