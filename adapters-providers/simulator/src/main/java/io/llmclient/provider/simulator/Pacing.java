package io.llmclient.provider.simulator;

import java.time.Duration;

/** How fast the simulator "generates": a wait before the first token and between tokens. */
record Pacing(Duration timeToFirstToken, Duration interToken) {
}
