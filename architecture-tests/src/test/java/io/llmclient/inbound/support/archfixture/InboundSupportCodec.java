package io.llmclient.inbound.support.archfixture;

/** Stands in for the shared inbound support as a surface's allowed dependency; breaks no rule. */
public final class InboundSupportCodec {
    private InboundSupportCodec() {
    }

    public static String encode(String text) {
        return text.strip();
    }
}
