package io.llmclient.application.archfixture;

import io.llmclient.state.fake.archfixture.StateStore;

/** Breaks "domain and application never depend on adapters" (a state adapter; and with it "application depends on domain only"). */
public final class ApplicationUsesStateAdapter {
    private ApplicationUsesStateAdapter() {
    }

    public static long count() {
        return StateStore.count();
    }
}
