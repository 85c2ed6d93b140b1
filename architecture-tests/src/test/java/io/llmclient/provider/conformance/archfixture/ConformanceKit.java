package io.llmclient.provider.conformance.archfixture;

/** Stands in for the provider conformance suite (test support) as the target of forbidden dependencies. */
public final class ConformanceKit {
    private ConformanceKit() {
    }

    public static String stage(String text) {
        return "staged:" + text;
    }
}
