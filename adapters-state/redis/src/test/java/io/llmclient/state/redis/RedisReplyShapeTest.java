package io.llmclient.state.redis;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.state.redis.testing.RedisServer;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A reply of a shape this version does not read (another version's script, a proxy in between)
 * fails the call as the state being unavailable, which the link and the failure modes handle,
 * never as a stray runtime exception that would reach the request.
 */
class RedisReplyShapeTest {
    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    @Test
    void aReplyOfAnotherShapeIsTheStateBeingUnavailable() {
        try (var store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 2)) {
            RedisStore.Script standings = store.script("common.lua", "standings.lua");
            List<String> keys = List.of("shape:{s}:key:k:window", "shape:{s}:key:k:rpm", "shape:{s}:key:k:tpm",
                    "shape:{s}:key:k:tpm-sum", "shape:{s}:key:k:inflight", "shape:{s}:spend:key:k:total");
            var wrongShape = assertThrows(StateUnavailableException.class,
                    () -> standings.run(keys, List.of("1"), reply -> (String) reply));
            assertTrue(wrongShape.getMessage().contains("shape this version does not read"), wrongShape.getMessage());
            var wrongNumber = assertThrows(StateUnavailableException.class,
                    () -> standings.run(keys, List.of("1"), reply -> Long.parseLong("not-a-number")));
            assertTrue(wrongNumber.getMessage().contains("shape this version does not read"), wrongNumber.getMessage());
        }
    }
}
