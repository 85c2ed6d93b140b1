package io.llmclient.archfixture.nested.inner;

import io.llmclient.archfixture.nested.Outer;

/** With {@link Outer}, breaks "no cycles between packages": a sub-package that uses its parent package. */
public final class Inner {
    private Inner() {
    }

    public static String name() {
        return "inner";
    }

    public static String parent() {
        return Outer.name();
    }
}
