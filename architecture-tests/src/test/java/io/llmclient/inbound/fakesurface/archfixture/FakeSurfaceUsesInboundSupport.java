package io.llmclient.inbound.fakesurface.archfixture;

import io.llmclient.inbound.support.archfixture.InboundSupportCodec;

/** Breaks no rule: a surface may use the shared inbound support. */
public final class FakeSurfaceUsesInboundSupport {
    private FakeSurfaceUsesInboundSupport() {
    }

    public static String encode(String text) {
        return InboundSupportCodec.encode(text);
    }
}
