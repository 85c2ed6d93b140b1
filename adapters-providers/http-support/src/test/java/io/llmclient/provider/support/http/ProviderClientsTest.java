package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.ProviderId;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class ProviderClientsTest {

    private static ProviderSettings settings(boolean allowInsecureHttp) {
        return new ProviderSettings(ProviderId.OPENAI, true, Optional.empty(), Optional.empty(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Map.of(), new Transport(List.of(), allowInsecureHttp, 1024));
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://localhost:8080", "http://127.0.0.1:1/v1", "http://127.8.9.10", "http://[::1]:9000",
            "http://upstream.localhost", "https://api.openai.com/v1", "https://10.0.0.1"})
    void httpsAndLoopbackHttpArePermittedWithoutTheOptIn(String url) {
        assertTrue(ProviderClients.permitted(URI.create(url), false), url);
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://api.openai.com/v1", "http://10.0.0.1:8080", "http://128.0.0.1",
            "http://127.0.0.1.evil.example", "http://localhost.evil.example", "http://127.0.0.256", "ftp://localhost"})
    void plainHttpToAnyOtherHostIsNotPermittedWithoutTheOptIn(String url) {
        assertFalse(ProviderClients.permitted(URI.create(url), false), url);
    }

    @Test
    void theOptInPermitsPlainHttpAnywhere() {
        assertTrue(ProviderClients.permitted(URI.create("http://proxy.internal:3128"), true));
    }

    @Test
    void noClientIsBuiltForPlainHttpToARemoteHostWithoutTheOptIn() {
        var failure = assertThrows(IllegalArgumentException.class,
                () -> ProviderClients.create(URI.create("http://api.openai.com/v1"), settings(false)));
        assertTrue(failure.getMessage().contains("LLM_ALLOW_INSECURE_HTTP"), failure.getMessage());
    }

    @Test
    void aClientIsBuiltForPlainHttpToARemoteHostWithTheOptIn() {
        assertNotNull(ProviderClients.create(URI.create("http://api.openai.com/v1"), settings(true)));
    }
}
