package io.llmclient.provider.simulator;

import java.time.Duration;

/** Waits; a seam so tests can record the pacing instead of sleeping. */
@FunctionalInterface
interface Sleeper {
    void sleep(Duration duration) throws InterruptedException;
}
