package io.llmclient.state.redis;

import io.llmclient.state.redis.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.governance.Admission;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A Redis that restarts (without persistence: it forgets its keys and its scripts) is used again
 * without a new RedisQuotaState: the pooled connection it broke fails one call, the next opens a
 * new one and loads the scripts again. What a request does with that one failure (fail open or
 * closed) is the failure mode bootstrap wires in.
 */
class RedisRestartTest {
    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    @Test
    void afterARestartAtMostOneCallPerPooledConnectionFailsAndTheScriptsAreLoadedAgain() throws Exception {
        var key = List.of(new LimitedParty("k", LimitedParty.Kind.KEY, "k",
                new Limits(Optional.of(2L), Optional.empty(), Optional.empty(), Optional.empty())));
        try (var store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 1)) {
            var state = new RedisQuotaState(store, "restart:", Duration.ofMinutes(1));
            assertInstanceOf(Admission.Admitted.class, state.admit(key, Instant.now()));
            assertInstanceOf(Admission.Admitted.class, state.admit(key, Instant.now()));
            assertInstanceOf(Admission.Refused.class, state.admit(key, Instant.now()));

            SERVER.restart();

            int failures = 0;
            Admission admission = null;
            for (int attempt = 0; attempt < 3 && admission == null; attempt++) {
                try {
                    admission = state.admit(key, Instant.now());
                } catch (RuntimeException e) {
                    failures++;
                }
            }
            int failed = failures;
            assertTrue(failed <= 1, () -> failed + " calls failed after the restart");
            // The restarted server lost the window: the key starts afresh.
            assertInstanceOf(Admission.Admitted.class, admission);
        }
    }
}
