package io.llmclient.state.redis;

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

    private RedisQuotaState state(String userInfo) {
        return new RedisQuotaState("redis://" + userInfo + "127.0.0.1:" + SERVER.port() + "/0", "auth:",
                Duration.ofSeconds(2), Duration.ofMinutes(1), 2);
    }

    @Test
    void thePasswordInTheUrlAuthenticates() {
        try (var state = state(":s3cret-for-tests@")) {
            assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
        }
        try (var state = state("default:s3cret-for-tests@")) {
            assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
        }
    }

    @Test
    void aWrongOrMissingPasswordFailsTheCallSayingSo() {
        try (var state = state(":wrong@")) {
            var error = assertThrows(RuntimeException.class, () -> state.admit(KEY, Instant.now()));
            assertTrue(String.valueOf(error.getMessage()).contains("WRONGPASS")
                    || String.valueOf(error.getCause()).contains("WRONGPASS"), () -> String.valueOf(error));
        }
        try (var state = state("")) {
            var error = assertThrows(RuntimeException.class, () -> state.admit(KEY, Instant.now()));
            assertTrue(String.valueOf(error.getMessage()).contains("NOAUTH")
                    || String.valueOf(error.getCause()).contains("NOAUTH"), () -> String.valueOf(error));
        }
    }
}
