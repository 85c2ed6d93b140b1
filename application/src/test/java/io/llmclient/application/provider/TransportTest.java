package io.llmclient.application.provider;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TransportTest {
    private static final Transport HTTPS_ONLY = new Transport(List.of(), false, 1024);

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1:1/v1", "http://127.8.9.10", "http://[::1]:9000",
            "http://upstream.localhost", "https://api.openai.com/v1", "https://10.0.0.1"})
    void httpsAndLoopbackHttpArePermittedWithoutTheOptIn(String url) {
        assertTrue(HTTPS_ONLY.permits(URI.create(url)), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.openai.com/v1", "http://10.0.0.1:8080", "http://128.0.0.1",
            "http://127.0.0.1.evil.example", "http://localhost.evil.example", "http://127.0.0.256", "ftp://localhost",
            "http://0x7f.0.0.1"})
    void plainHttpToAnyOtherHostIsNotPermittedWithoutTheOptIn(String url) {
        assertFalse(HTTPS_ONLY.permits(URI.create(url)), url);
    }

    @Test
    void theOptInPermitsPlainHttpAnywhere() {
        assertTrue(new Transport(List.of(), true, 1024).permits(URI.create("http://proxy.internal:3128")));
    }

    @Test
    void theDefaultsTrustTheJdkRefuseRemoteHttpAndCapAnswersAt32MiB() {
        Transport defaults = Transport.defaults();
        assertEquals(List.of(), defaults.trustedCertificates());
        assertFalse(defaults.allowInsecureHttp());
        assertEquals(32L * 1024 * 1024, defaults.maxResponseBytes());
    }

    @Test
    void sharingKeepsTheRulesAndBuffersWithinTheServicesBudget() {
        var budget = new ResponseBudget(4096);
        Transport shared = HTTPS_ONLY.sharing(budget);
        assertSame(budget, shared.responseBudget());
        assertEquals(new Transport(List.of(), false, 1024, budget), shared);
    }

    @Test
    void aTransportBuiltByHandHasABudgetThatNeverRefusesSoSuchTransportsStayEqual() {
        assertSame(ResponseBudget.unlimited(), Transport.defaults().responseBudget());
        assertEquals(Transport.defaults(), Transport.defaults());
    }

    @Test
    void aLimitOfZeroIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new Transport(List.of(), false, 0));
    }
}
