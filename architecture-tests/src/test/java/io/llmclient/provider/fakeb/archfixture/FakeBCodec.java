package io.llmclient.provider.fakeb.archfixture;

/** Stands in for a second provider module as the target of forbidden dependencies; breaks no rule itself. */
public final class FakeBCodec {
    private FakeBCodec() {
    }

    public static String encode(String text) {
        return "b:" + text;
    }
}
