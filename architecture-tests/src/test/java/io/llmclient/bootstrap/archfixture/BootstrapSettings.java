package io.llmclient.bootstrap.archfixture;

/** Stands in for bootstrap as the target of forbidden dependencies; breaks no rule itself. */
public final class BootstrapSettings {
    private BootstrapSettings() {
    }

    public static int port() {
        return 8080;
    }
}
