package io.llmclient.provider.fakea.archfixture;

import io.llmclient.state.fake.archfixture.StateStore;

/** Breaks "no other adapter depends on a state adapter": only bootstrap wires one in. */
public final class FakeAUsesState {
    private FakeAUsesState() {
    }

    public static long count() {
        return StateStore.count();
    }
}
