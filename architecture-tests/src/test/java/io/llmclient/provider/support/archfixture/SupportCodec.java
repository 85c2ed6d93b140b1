package io.llmclient.provider.support.archfixture;

/** Stands in for the shared provider support library as a dependency every adapter may have; breaks no rule. */
public final class SupportCodec {
    private SupportCodec() {
    }

    public static String encode(String text) {
        return "support:" + text;
    }
}
