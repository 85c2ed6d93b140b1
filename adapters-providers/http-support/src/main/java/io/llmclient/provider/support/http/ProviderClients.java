package io.llmclient.provider.support.http;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsConfig;
import io.helidon.webclient.api.WebClient;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import java.net.URI;
import java.util.List;
import java.util.Locale;

/**
 * Builds the one {@link WebClient} of each HTTP provider adapter, so that every provider
 * connection is made the same way:
 * <ul>
 *   <li>TLS 1.3 or 1.2 only, whatever the JDK would also accept;</li>
 *   <li>the server certificate's host name checked ({@code HTTPS} endpoint identification);</li>
 *   <li>the trust anchors of {@link Transport#trustedCertificates()} when configured, else the JDK's CAs;</li>
 *   <li>no redirects followed: a redirect would carry the API key header wherever it points;</li>
 *   <li>plain {@code http://} only to a loopback host, or when {@link Transport#allowInsecureHttp()} says so.</li>
 * </ul>
 */
public final class ProviderClients {
    /** The only protocols offered; TLS 1.0 and 1.1 are refused even on a JDK that still allows them. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

    private ProviderClients() {
    }

    /**
     * A client for {@code baseUrl} with the settings' connect timeout, request timeout (as the
     * socket read timeout) and transport rules.
     *
     * @throws IllegalArgumentException when {@code baseUrl} is plain http to a host that is not
     *                                  loopback and insecure http is not allowed
     */
    public static WebClient create(URI baseUrl, ProviderSettings settings) {
        Transport transport = settings.transport();
        if (!permitted(baseUrl, transport.allowInsecureHttp())) {
            throw new IllegalArgumentException("plain http to a host that is not loopback (" + baseUrl.getHost()
                    + ") needs LLM_ALLOW_INSECURE_HTTP=true; use https");
        }
        return WebClient.builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.requestTimeout())
                .followRedirects(false)
                .tls(tls(transport))
                .build();
    }

    /** The TLS settings every provider connection uses. */
    public static Tls tls(Transport transport) {
        TlsConfig.Builder tls = Tls.builder()
                .enabledProtocols(PROTOCOLS)
                .endpointIdentificationAlgorithm("HTTPS");
        if (!transport.trustedCertificates().isEmpty()) {
            tls.trust(transport.trustedCertificates());
        }
        return tls.build();
    }

    /** Whether a call to {@code baseUrl} is allowed: https always, http only to loopback unless opted in. */
    public static boolean permitted(URI baseUrl, boolean allowInsecureHttp) {
        String scheme = baseUrl.getScheme() == null ? "" : baseUrl.getScheme().toLowerCase(Locale.ROOT);
        return switch (scheme) {
            case "https" -> true;
            case "http" -> allowInsecureHttp || isLoopback(baseUrl.getHost());
            default -> false;
        };
    }

    /**
     * Whether {@code host} names the local machine without asking DNS: {@code localhost} (and
     * names under {@code .localhost}, RFC 6761), an IPv4 address in 127.0.0.0/8, or {@code ::1}.
     */
    public static boolean isLoopback(String host) {
        if (host == null || host.isEmpty()) {
            return false;
        }
        String name = host.toLowerCase(Locale.ROOT);
        if (name.equals("localhost") || name.endsWith(".localhost")) {
            return true;
        }
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] octets = name.split("\\.", -1);
        if (octets.length != 4 || !octets[0].equals("127")) {
            return false;
        }
        for (String octet : octets) {
            if (octet.isEmpty() || octet.length() > 3 || !octet.chars().allMatch(Character::isDigit)
                    || Integer.parseInt(octet) > 255) {
                return false;
            }
        }
        return true;
    }
}
