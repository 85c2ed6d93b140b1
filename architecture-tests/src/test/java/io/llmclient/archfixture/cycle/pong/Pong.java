package io.llmclient.archfixture.cycle.pong;

import io.llmclient.archfixture.cycle.ping.Ping;

/** With {@link Ping}, breaks "no cycles between packages": two sibling packages that use each other. */
public final class Pong {
    private Pong() {
    }

    public static String hit(int rounds) {
        return rounds == 0 ? "pong" : Ping.hit(rounds - 1);
    }
}
