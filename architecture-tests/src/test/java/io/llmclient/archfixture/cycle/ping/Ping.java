package io.llmclient.archfixture.cycle.ping;

import io.llmclient.archfixture.cycle.pong.Pong;

/** With {@link Pong}, breaks "no cycles between packages": two sibling packages that use each other. */
public final class Ping {
    private Ping() {
    }

    public static String hit(int rounds) {
        return rounds == 0 ? "ping" : Pong.hit(rounds - 1);
    }
}
