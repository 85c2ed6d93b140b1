package io.llmclient.provider.support.http;

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
import org.junit.jupiter.api.Test;

class ProviderClientsTest {

    private static ProviderSettings settings(boolean allowInsecureHttp) {
        return new ProviderSettings(ProviderId.OPENAI, true, Optional.empty(), Optional.empty(), Duration.ofSeconds(1),
                Duration.ofSeconds(1), Map.of(), new Transport(List.of(), allowInsecureHttp, 1024));
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
