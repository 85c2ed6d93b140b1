package io.llmclient.state.redis;

import io.llmclient.state.redis.testing.RedisServer;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

/** The URL's credentials authenticate; wrong ones fail the call with the server's answer, never a hang. */
class RedisAuthenticationTest {
    @RegisterExtension
    static final RedisServer SERVER = new RedisServer("--requirepass", "s3cret-for-tests");

    private static final List<LimitedParty> KEY = List.of(new LimitedParty("k", LimitedParty.Kind.KEY, "k",
            new Limits(Optional.of(10L), Optional.empty(), Optional.empty(), Optional.empty())));

    private RedisStore store(String userInfo) {
        return new RedisStore("redis://" + userInfo + "127.0.0.1:" + SERVER.port() + "/0", Duration.ofSeconds(2), 2);
    }

    private static RedisQuotaState state(RedisStore store) {
        return new RedisQuotaState(store, "auth:", Duration.ofMinutes(1));
    }

    @Test
    void thePasswordInTheUrlAuthenticates() {
        try (var store = store(":s3cret-for-tests@")) {
            var state = state(store);
            assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
        }
        try (var store = store("default:s3cret-for-tests@")) {
            var state = state(store);
            assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
        }
    }

    @Test
    void aWrongOrMissingPasswordFailsTheCallSayingSo() {
        try (var store = store(":wrong@")) {
            var state = state(store);
            var error = assertThrows(RuntimeException.class, () -> state.admit(KEY, Instant.now()));
            assertTrue(String.valueOf(error.getMessage()).contains("WRONGPASS")
                    || String.valueOf(error.getCause()).contains("WRONGPASS"), () -> String.valueOf(error));
        }
        try (var store = store("")) {
            var state = state(store);
            var error = assertThrows(RuntimeException.class, () -> state.admit(KEY, Instant.now()));
            assertTrue(String.valueOf(error.getMessage()).contains("NOAUTH")
                    || String.valueOf(error.getCause()).contains("NOAUTH"), () -> String.valueOf(error));
        }
    }
}
