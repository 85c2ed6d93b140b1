package io.llmclient.bootstrap.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads the certificates of {@code LLM_TLS_TRUST_STORE} once, at start-up, so that a missing
 * file, a wrong type or a wrong password stops the service with one line instead of failing
 * every provider call later. Types: {@code PKCS12} (the default), {@code JKS}, or {@code PEM}
 * (a file of {@code BEGIN CERTIFICATE} blocks, no password).
 */
final class TrustStoreReader {
    static final String STORE = "LLM_TLS_TRUST_STORE";
    static final String TYPE = "LLM_TLS_TRUST_STORE_TYPE";
    static final String PASSWORD = "LLM_TLS_TRUST_STORE_PASSWORD";
    private static final List<String> TYPES = List.of("PKCS12", "JKS", "PEM");

    private TrustStoreReader() {
    }

    /** The trusted certificates in {@code file} ({@code LLM_TLS_TRUST_STORE}); never empty. */
    static List<X509Certificate> read(Path file, String type, Optional<String> password) {
        return read(STORE, file, type, password);
    }

    /** The CA certificates in the PEM file {@code file}, set as {@code key}; never empty. */
    static List<X509Certificate> readPem(String key, Path file) {
        return read(key, file, "PEM", Optional.empty());
    }

    private static List<X509Certificate> read(String key, Path file, String type, Optional<String> password) {
        String kind = type.toUpperCase(Locale.ROOT);
        if (!TYPES.contains(kind)) {
            throw InvalidConfigException.of(TYPE, "must be one of " + String.join(", ", TYPES), type);
        }
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw InvalidConfigException.of(key, "must name a readable trust store file", file.toString());
        }
        List<X509Certificate> certificates;
        try (InputStream in = Files.newInputStream(file)) {
            certificates = kind.equals("PEM") ? pem(in) : keyStore(in, kind, password);
        } catch (IOException | GeneralSecurityException | RuntimeException unreadable) {
            // The JDK's message may name the password's problem in detail; the rule is enough.
            throw InvalidConfigException.of(key, "must be a " + kind + " trust store readable with "
                    + PASSWORD + " (" + unreadable.getClass().getSimpleName() + ")", file.toString());
        }
        if (certificates.isEmpty()) {
            throw InvalidConfigException.of(key, "must hold at least one certificate", file.toString());
        }
        return certificates;
    }

    private static List<X509Certificate> pem(InputStream in) throws GeneralSecurityException {
        var certificates = new ArrayList<X509Certificate>();
        for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
            if (certificate instanceof X509Certificate x509) {
                certificates.add(x509);
            }
        }
        return certificates;
    }

    private static List<X509Certificate> keyStore(InputStream in, String kind, Optional<String> password)
            throws IOException, GeneralSecurityException {
        KeyStore store = KeyStore.getInstance(kind);
        store.load(in, password.map(String::toCharArray).orElse(null));
        var certificates = new ArrayList<X509Certificate>();
        for (String alias : Collections.list(store.aliases())) {
            // Trusted-certificate entries and the certificates of key entries both count as anchors.
            if (store.getCertificate(alias) instanceof X509Certificate x509) {
                certificates.add(x509);
            }
        }
        return certificates;
    }
}
