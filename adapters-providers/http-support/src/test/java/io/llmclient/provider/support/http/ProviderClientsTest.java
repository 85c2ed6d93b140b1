package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.Proxy;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ProviderId;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class ProviderClientsTest {

    private static ProviderSettings settings(boolean allowInsecureHttp) {
        return ProviderSettingsFixtures.builder(ProviderId.OPENAI).connectTimeout(Duration.ofSeconds(1))
                .requestTimeout(Duration.ofSeconds(1)).transport(new Transport(List.of(), allowInsecureHttp, 1024))
                .build();
    }

    @Test
    void withoutAnyJvmProxySettingNoProxyIsLookedUp() {
        assertEquals(Proxy.ProxyType.NONE, ProviderClients.proxy(name -> null).type());
        assertEquals(Proxy.ProxyType.NONE,
                ProviderClients.proxy(name -> name.equals("java.net.useSystemProxies") ? "false" : null).type());
    }

    @Test
    void anyJvmProxySettingKeepsTheJvmsProxySelection() {
        for (String property : ProviderClients.PROXY_PROPERTIES) {
            String value = property.equals("java.net.useSystemProxies") ? "true" : "proxy.internal";
            assertEquals(Proxy.ProxyType.SYSTEM,
                    ProviderClients.proxy(name -> name.equals(property) ? value : null).type(), property);
        }
    }

    @Test
    void noClientIsBuiltForPlainHttpToARemoteHostWithoutTheOptIn() {
        var failure = assertThrows(IllegalArgumentException.class,
                () -> ProviderClients.create(URI.create("http://api.openai.com/v1"), settings(false)));
        assertTrue(failure.getMessage().contains("LLM_ALLOW_INSECURE_HTTP"), failure.getMessage());
    }

    @Test
    void aRedirectIsNotFollowedSoTheKeyHeaderNeverTravelsToItsTarget() throws IOException {
        var followed = new AtomicInteger();
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/v1/chat/completions", exchange -> {
            exchange.getResponseHeaders().add("Location", "/elsewhere");
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        server.createContext("/elsewhere", exchange -> {
            followed.incrementAndGet();
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/v1");
            try (HttpClientResponse response = ProviderClients.create(base, settings(false))
                    .post(base + "/chat/completions").header(HeaderNames.AUTHORIZATION, "Bearer sk-test-redirect")
                    .submit("{}")) {
                assertEquals(307, response.status().code());
            }
            assertEquals(0, followed.get(), "the redirect target was called");
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aClientIsBuiltForPlainHttpToARemoteHostWithTheOptIn() {
        assertNotNull(ProviderClients.create(URI.create("http://api.openai.com/v1"), settings(true)));
    }
}
