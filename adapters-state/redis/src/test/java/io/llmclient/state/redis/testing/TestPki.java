package io.llmclient.state.redis.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A throw-away certificate authority for the TLS tests, made at test time with the JDK's keytool
 * (nothing is committed): a self-signed CA and server certificates it signs, as the PEM files
 * {@code redis-server} reads. Valid for two days; the files live in a temporary directory.
 */
public final class TestPki {
    private static final String PASSWORD = "test-only-store";
    // The PEM label of a PKCS#8 key; the armour lines are made at run time, so that no committed
    // file holds what a secret scanner reads as a private key.
    private static final String PKCS8_LABEL = "PRIVATE" + " KEY";

    private final Path dir;
    private final Path caStore;
    private final Path caPem;

    /** A server's certificate (signed by the CA) and its private key, as PEM files. */
    public record Issued(Path certificate, Path key) {
    }

    private TestPki(Path dir) {
        this.dir = dir;
        this.caStore = dir.resolve("ca.p12");
        this.caPem = dir.resolve("ca.pem");
    }

    /** A new CA named {@code name}. */
    public static TestPki create(String name) {
        try {
            var pki = new TestPki(Files.createTempDirectory("redis-tls-"));
            pki.keytool("-genkeypair", "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1",
                    "-dname", "CN=" + name, "-ext", "bc:c", "-validity", "2",
                    "-keystore", pki.caStore.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            pki.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", pki.caStore.toString(),
                    "-storepass", PASSWORD, "-file", pki.caPem.toString());
            return pki;
        } catch (IOException e) {
            throw new AssertionError("cannot make a test CA: " + e, e);
        }
    }

    /** Deletes the CA's and its servers' files (keys included). */
    public void delete() throws IOException {
        RedisServer.deleteTree(dir);
    }

    /** The CA's certificate, as {@code redis-server --tls-ca-cert-file} and LLM_STATE_CA_FILE take it. */
    public Path caPem() {
        return caPem;
    }

    /** The CA's certificate, parsed. */
    public List<X509Certificate> caCertificates() {
        try (InputStream in = Files.newInputStream(caPem)) {
            var certificates = new ArrayList<X509Certificate>();
            for (var certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                certificates.add((X509Certificate) certificate);
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /** A TLS context trusting this CA, without host-name checks: for probing a test server. */
    public SSLContext trustingContext() {
        try {
            var store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setCertificateEntry("ca", caCertificates().getFirst());
            var trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            var context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * A server certificate signed by this CA for {@code subjectAlternativeNames} (keytool's form,
     * such as {@code ip:127.0.0.1,dns:localhost}), with its key.
     */
    public Issued issue(String name, String subjectAlternativeNames) {
        try {
            Path store = dir.resolve(name + ".p12");
            Path request = dir.resolve(name + ".csr");
            Path certificate = dir.resolve(name + ".pem");
            Path key = dir.resolve(name + ".key");
            keytool("-genkeypair", "-alias", name, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                    "-validity", "2", "-keystore", store.toString(), "-storetype", "PKCS12", "-storepass", PASSWORD);
            keytool("-certreq", "-alias", name, "-keystore", store.toString(), "-storepass", PASSWORD,
                    "-file", request.toString());
            keytool("-gencert", "-rfc", "-alias", "ca", "-keystore", caStore.toString(), "-storepass", PASSWORD,
                    "-infile", request.toString(), "-outfile", certificate.toString(), "-validity", "2",
                    "-ext", "san=" + subjectAlternativeNames, "-ext", "eku=serverAuth");
            var keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(store)) {
                keys.load(in, PASSWORD.toCharArray());
            }
            var privateKey = (PrivateKey) keys.getKey(name, PASSWORD.toCharArray());
            // PKCS#8, the form OpenSSL (and so redis-server) reads as "PRIVATE KEY".
            Files.writeString(key, pem(PKCS8_LABEL, privateKey.getEncoded()));
            return new Issued(certificate, key);
        } catch (IOException | GeneralSecurityException e) {
            throw new AssertionError("cannot issue a test certificate: " + e, e);
        }
    }

    private void keytool(String... arguments) throws IOException {
        var command = new ArrayList<String>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(arguments));
        Path output = dir.resolve("keytool.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new IOException("keytool " + String.join(" ", arguments) + " failed:\n" + Files.readString(output));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String pem(String label, byte[] der) {
        return "-----BEGIN " + label + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + label + "-----\n";
    }
}
