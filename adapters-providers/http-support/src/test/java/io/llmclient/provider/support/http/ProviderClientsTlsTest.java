package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.llmclient.application.provider.Transport;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ProviderId;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Provider connections against a real local TLS server (the JDK's {@code HttpsServer}) with
 * certificates made for the run: old protocols, untrusted and wrongly named certificates are
 * refused; a certificate held by the configured trust anchors is accepted.
 *
 * <p>The JDK already disables TLS 1.0/1.1 by default; this module's test JVM re-enables them
 * ({@code legacy-tls-allowed.security}, set in the pom), so the refusal is proven to come from
 * {@link ProviderClients}: the control test shows a plain JDK client does get TLS 1.1 here.
 */
class ProviderClientsTlsTest {
    @TempDir
    static Path dir;

    private static Path serverStore;
    private static X509Certificate serverCertificate;
    private static Path wrongHostStore;
    private static X509Certificate wrongHostCertificate;
    private static final ExecutorService HANDLERS = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeAll
    static void makeCertificates() {
        serverStore = TestCertificates.keyStore(dir, "upstream", "dns:localhost,ip:127.0.0.1");
        serverCertificate = TestCertificates.certificate(serverStore, "upstream");
        wrongHostStore = TestCertificates.keyStore(dir, "elsewhere", "dns:elsewhere.example");
        wrongHostCertificate = TestCertificates.certificate(wrongHostStore, "elsewhere");
    }

    @AfterAll
    static void stopHandlers() {
        HANDLERS.shutdownNow();
    }

    @Test
    void aServerWhoseCertificateTheTrustStoreHoldsIsReachedOverTls13() {
        try (var server = new TlsServer(serverStore, "TLSv1.3", "TLSv1.2")) {
            assertEquals(200, status(client(server, List.of(serverCertificate)), server));
        }
    }

    @Test
    void aServerOfferingOnlyTls12IsStillReached() {
        try (var server = new TlsServer(serverStore, "TLSv1.2")) {
            assertEquals(200, status(client(server, List.of(serverCertificate)), server));
        }
    }

    @Test
    void aSelfSignedCertificateIsRefusedWhenNoTrustStoreHoldsIt() {
        try (var server = new TlsServer(serverStore, "TLSv1.3", "TLSv1.2")) {
            // No configured trust: the JDK's CAs, which never signed this certificate.
            WebClient client = client(server, List.of());
            assertThrows(UncheckedIOException.class, () -> status(client, server));
        }
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefused() {
        try (var server = new TlsServer(wrongHostStore, "TLSv1.3", "TLSv1.2")) {
            WebClient client = client(server, List.of(wrongHostCertificate));
            assertThrows(UncheckedIOException.class, () -> status(client, server));
        }
    }

    @Test
    void aServerOfferingOnlyTls11OrTls10IsRefused() {
        try (var server = new TlsServer(serverStore, "TLSv1.1", "TLSv1")) {
            WebClient client = client(server, List.of(serverCertificate));
            assertThrows(UncheckedIOException.class, () -> status(client, server));
        }
    }

    @Test
    void controlAPlainJdkClientDoesGetTls11FromThatServerInThisJvm() throws Exception {
        try (var server = new TlsServer(serverStore, "TLSv1.1", "TLSv1")) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("upstream", serverCertificate);
            TrustManagerFactory managers = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            managers.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, managers.getTrustManagers(), null);
            try (var socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", server.port())) {
                socket.setEnabledProtocols(new String[] {"TLSv1.1"});
                socket.startHandshake();
                assertEquals("TLSv1.1", socket.getSession().getProtocol());
            }
        }
    }

    private static WebClient client(TlsServer server, List<X509Certificate> trusted) {
        var settings = ProviderSettingsFixtures.builder(ProviderId.OPENAI).baseUrl(server.baseUrl())
                .connectTimeout(Duration.ofSeconds(5)).requestTimeout(Duration.ofSeconds(5))
                .transport(new Transport(trusted, false, Transport.DEFAULT_MAX_RESPONSE_BYTES)).build();
        return ProviderClients.create(server.baseUrl(), settings);
    }

    private static int status(WebClient client, TlsServer server) {
        try (HttpClientResponse response = client.get(server.baseUrl() + "/ping").request()) {
            return response.status().code();
        }
    }

    /** A JDK HTTPS server on loopback that speaks only the given protocols and answers 200 "ok". */
    private static final class TlsServer implements AutoCloseable {
        private final HttpsServer server;

        TlsServer(Path keyStore, String... protocols) {
            try {
                server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException failed) {
                throw new UncheckedIOException(failed);
            }
            SSLContext context = TestCertificates.serverContext(keyStore);
            server.setHttpsConfigurator(new HttpsConfigurator(context) {
                @Override
                public void configure(HttpsParameters params) {
                    SSLParameters parameters = context.getDefaultSSLParameters();
                    parameters.setProtocols(protocols);
                    params.setSSLParameters(parameters);
                }
            });
            server.createContext("/", exchange -> {
                byte[] ok = "ok".getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(200, ok.length);
                exchange.getResponseBody().write(ok);
                exchange.close();
            });
            server.setExecutor(HANDLERS);
            server.start();
        }

        int port() {
            return server.getAddress().getPort();
        }

        URI baseUrl() {
            return URI.create("https://127.0.0.1:" + port());
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
