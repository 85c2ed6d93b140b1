package io.llmclient.state.fake.archfixture;

/** Stands in for a state adapter as the target of forbidden dependencies; breaks no rule itself. */
public final class StateStore {
    private StateStore() {
    }

    public static long count() {
        return 0;
    }
}
