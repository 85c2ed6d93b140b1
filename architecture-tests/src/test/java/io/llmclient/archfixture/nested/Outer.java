package io.llmclient.archfixture.nested;

import io.llmclient.archfixture.nested.inner.Inner;

/** With {@link Inner}, breaks "no cycles between packages": a package and its own sub-package use each other. */
public final class Outer {
    private Outer() {
    }

    public static String name() {
        return "outer of " + Inner.name();
    }
}
