package io.llmclient.bootstrap.archfixture;

import io.llmclient.provider.conformance.archfixture.ConformanceKit;

/** Breaks "test support stays in tests": production code calls the provider conformance suite. */
public final class BootstrapUsesConformance {
    private BootstrapUsesConformance() {
    }

    public static String stage(String text) {
        return ConformanceKit.stage(text);
    }
}
