package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ProviderDescription;
import io.llmclient.application.provider.Transport;
import io.llmclient.domain.chat.ProviderId;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The upstream transport settings (trust store, insecure http, response limit) and the inbound limits. */
class TransportConfigTest {
    @TempDir
    Path dir;

    private ServiceConfig read(Map<String, String> env) {
        return ServiceConfigReader.read(ConfigLayers.load(env, dir), dir, ShippedProviders.describedWith());
    }

    private String failureOf(Map<String, String> env) {
        return assertThrows(InvalidConfigException.class, () -> read(env)).getMessage();
    }

    /** A PKCS#12 store with one self-signed certificate, made by the JDK's keytool; and its PEM export. */
    private Path keyStore(String name) throws IOException, InterruptedException {
        Path store = dir.resolve(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "s3cret-pw");
        keytool("-exportcert", "-rfc", "-alias", name, "-keystore", store.toString(), "-storepass", "s3cret-pw",
                "-file", dir.resolve(name + ".pem").toString());
        return store;
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        var command = new ArrayList<String>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes());
        assertTrue(process.waitFor(60, TimeUnit.SECONDS) && process.exitValue() == 0, output);
    }

    @Test
    void byDefaultProvidersTrustTheJdkRefuseRemoteHttpAndReadAt32MiBPerAnswer() {
        var config = read(Map.of());
        assertEquals(Transport.defaults(), config.providerSettings(ProviderId.OPENAI).transport());
        assertEquals(new ServiceConfig.Limits(1_048_576L, java.time.Duration.ofSeconds(60), 1000, 16_384, 512),
                config.limits());
    }

    @Test
    void aPkcs12TrustStoreReachesEveryProviderAsItsCertificates() throws Exception {
        keyStore("corp-ca");
        var transport = read(Map.of("LLM_TLS_TRUST_STORE", "corp-ca.p12", "LLM_TLS_TRUST_STORE_PASSWORD", "s3cret-pw"))
                .providerSettings(ProviderId.ANTHROPIC).transport();
        assertEquals(1, transport.trustedCertificates().size());
        assertEquals("CN=corp-ca", transport.trustedCertificates().getFirst().getSubjectX500Principal().getName());
    }

    @Test
    void aPemFileIsATrustStoreToo() throws Exception {
        keyStore("pem-ca");
        var transport = read(Map.of("LLM_TLS_TRUST_STORE", "pem-ca.pem", "LLM_TLS_TRUST_STORE_TYPE", "pem"))
                .providerSettings(ProviderId.GEMINI).transport();
        assertEquals("CN=pem-ca", transport.trustedCertificates().getFirst().getSubjectX500Principal().getName());
    }

    @Test
    void aWrongTrustStorePasswordStopsStartUpWithoutEchoingIt() throws Exception {
        keyStore("locked");
        String line = failureOf(Map.of("LLM_TLS_TRUST_STORE", "locked.p12",
                "LLM_TLS_TRUST_STORE_PASSWORD", "wrong-password"));
        assertTrue(line.startsWith("LLM_TLS_TRUST_STORE: must be a PKCS12 trust store readable with "
                + "LLM_TLS_TRUST_STORE_PASSWORD"), line);
        assertFalse(line.contains("wrong-password"), line);
    }

    @Test
    void aMissingTrustStoreStopsStartUp() {
        assertEquals("LLM_TLS_TRUST_STORE: must name a readable trust store file, got \""
                + dir.resolve("missing.p12") + "\"", failureOf(Map.of("LLM_TLS_TRUST_STORE", "missing.p12")));
    }

    @Test
    void anUnknownTrustStoreTypeStopsStartUp() throws Exception {
        keyStore("typed");
        assertEquals("LLM_TLS_TRUST_STORE_TYPE: must be one of PKCS12, JKS, PEM, got \"BKS\"",
                failureOf(Map.of("LLM_TLS_TRUST_STORE", "typed.p12", "LLM_TLS_TRUST_STORE_TYPE", "BKS")));
    }

    @Test
    void aFileWithoutCertificatesIsNotATrustStore() throws IOException {
        Files.writeString(dir.resolve("empty.pem"), "");
        assertEquals("LLM_TLS_TRUST_STORE: must hold at least one certificate, got \"" + dir.resolve("empty.pem")
                + "\"", failureOf(Map.of("LLM_TLS_TRUST_STORE", "empty.pem", "LLM_TLS_TRUST_STORE_TYPE", "PEM")));
    }

    @Test
    void theOptInAllowsPlainHttpToARemoteHost() {
        var settings = read(Map.of("LLM_ALLOW_INSECURE_HTTP", "true", "OPENAI_BASE_URL", "http://proxy.internal/v1"))
                .providerSettings(ProviderId.OPENAI);
        assertTrue(settings.transport().allowInsecureHttp());
        assertEquals("http://proxy.internal/v1", settings.baseUrl().orElseThrow().toString());
    }

    @Test
    void plainHttpToLoopbackNeedsNoOptIn() {
        assertEquals("http://127.0.0.1:9/v1", read(Map.of("OPENAI_BASE_URL", "http://127.0.0.1:9/v1"))
                .providerSettings(ProviderId.OPENAI).baseUrl().orElseThrow().toString());
    }

    @Test
    void aPluginProvidersBaseUrlFollowsTheSameRule() {
        var id = new ProviderId("my-llm");
        var failure = assertThrows(InvalidConfigException.class, () -> ServiceConfigReader.read(
                ConfigLayers.load(Map.of("MY_LLM_BASE_URL", "http://my.example"), dir), dir,
                ShippedProviders.describedWith(ProviderDescription.byConvention(id))));
        assertTrue(failure.getMessage().startsWith("MY_LLM_BASE_URL: plain http is allowed only to a loopback host"));
    }

    @Test
    void theResponseLimitAndTheInboundLimitsAreRead() {
        var config = read(Map.of("LLM_MAX_RESPONSE_BYTES", "4096", "LLM_MAX_MESSAGES", "20",
                "LLM_MAX_HEADER_BYTES", "8192", "LLM_MAX_CONCURRENT_REQUESTS", "3"));
        assertEquals(4096, config.providerSettings(ProviderId.OPENAI).transport().maxResponseBytes());
        assertEquals(20, config.limits().maxMessages());
        assertEquals(8192, config.limits().maxHeaderBytes());
        assertEquals(3, config.limits().maxConcurrentRequests());
    }

    @Test
    void theTrustStorePasswordCountsAsASecretToScrub() {
        var secrets = ServiceConfigReader.secrets(ConfigLayers.load(Map.of("LLM_TLS_TRUST_STORE_PASSWORD", "pw-123"),
                dir), List.of());
        assertTrue(secrets.contains("pw-123"));
    }
}
