package io.llmclient.state.redis;

import io.llmclient.state.redis.testing.RedisServer;
import io.llmclient.state.redis.testing.TestPki;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.state.StateUnavailableException;
import io.llmclient.domain.governance.LimitedParty;
import io.llmclient.domain.governance.Limits;
import io.llmclient.domain.money.NanoUsd;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code rediss://} against a Redis whose certificate is signed by a CA of its own (made at test
 * time): trusted when the CA is given (LLM_STATE_CA_FILE), refused by the JVM's trust store, and
 * refused when the certificate names another host.
 */
class RedisTlsTest {
    private static final TestPki PKI = TestPki.create("LLM test CA");

    @RegisterExtension
    static final RedisServer SERVER = RedisServer.tls(PKI, PKI.issue("redis", "ip:127.0.0.1,dns:localhost"));

    @RegisterExtension
    static final RedisServer ELSEWHERE = RedisServer.tls(PKI, PKI.issue("elsewhere", "dns:redis.elsewhere.example"));

    private static final List<LimitedParty> KEY = List.of(new LimitedParty("k", LimitedParty.Kind.KEY, "k",
            new Limits(Optional.of(2L), Optional.empty(), Optional.empty(), Optional.empty())));

    @AfterAll
    static void deleteKeys() throws Exception {
        PKI.delete();
    }

    private static RedisQuotaState state(RedisStore store) {
        return new RedisQuotaState(store, "tls:" + System.nanoTime() + ":", Duration.ofMinutes(1));
    }

    @Test
    void withTheCaGivenTheQuotaStateWorksOverTls() {
        for (String host : List.of("127.0.0.1", "localhost")) {
            try (var store = new RedisStore("rediss://" + host + ":" + SERVER.port(), Duration.ofSeconds(2), 2,
                    PKI.caCertificates())) {
                var state = state(store);
                var admitted = assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
                admitted.settlement().settle(1, NanoUsd.ZERO, Instant.now());
                assertInstanceOf(Admission.Admitted.class, state.admit(KEY, Instant.now()));
                assertInstanceOf(Admission.Refused.class, state.admit(KEY, Instant.now()));
                store.ping();
            }
        }
    }

    @Test
    void withoutTheCaTheJvmTrustStoreRefusesTheCertificateSayingSo() {
        try (var store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 2)) {
            var state = state(store);
            var error = assertThrows(StateUnavailableException.class, () -> state.admit(KEY, Instant.now()));
            assertTrue(error.getMessage().contains("TLS") && error.getMessage().contains("certificate"),
                    error::getMessage);
            assertTrue(error.getMessage().contains("LLM_STATE_CA_FILE"), error::getMessage);
            assertThrows(StateUnavailableException.class, store::ping);
        }
    }

    @Test
    void aCertificateForAnotherHostIsRefusedEvenFromTheTrustedCa() {
        try (var store = new RedisStore(ELSEWHERE.url(), Duration.ofSeconds(2), 2, PKI.caCertificates())) {
            var state = state(store);
            var error = assertThrows(StateUnavailableException.class, () -> state.admit(KEY, Instant.now()));
            assertTrue(error.getMessage().contains("TLS") && error.getMessage().contains("does not name the host"),
                    error::getMessage);
        }
    }

    @Test
    void aCaFromAnotherAuthorityIsNotTrusted() throws Exception {
        var stranger = TestPki.create("Another CA");
        try (var store = new RedisStore(SERVER.url(), Duration.ofSeconds(2), 2, stranger.caCertificates())) {
            var error = assertThrows(StateUnavailableException.class, () -> state(store).admit(KEY, Instant.now()));
            assertTrue(error.getMessage().contains("not signed by a trusted CA"), error::getMessage);
        } finally {
            stranger.delete();
        }
    }

    @Test
    void aCaForAPlainTextUrlIsRefusedAtOnce() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> new RedisStore("redis://127.0.0.1:6379", Duration.ofSeconds(1), 1, PKI.caCertificates()));
        assertEquals("CA certificates are given (LLM_STATE_CA_FILE) but the URL is redis://, without TLS: use rediss://",
                error.getMessage());
    }
}
