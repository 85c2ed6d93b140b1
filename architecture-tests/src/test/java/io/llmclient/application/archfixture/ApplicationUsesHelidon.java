package io.llmclient.application.archfixture;

import io.helidon.config.Config;

/** Breaks "no Helidon in domain or application" (and with it "application depends on domain and the JDK only"). */
public final class ApplicationUsesHelidon {
    private ApplicationUsesHelidon() {
    }

    public static Config config() {
        return Config.empty();
    }
}
