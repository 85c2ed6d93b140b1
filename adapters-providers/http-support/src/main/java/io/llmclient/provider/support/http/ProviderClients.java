package io.llmclient.provider.support.http;

import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsConfig;
import io.helidon.webclient.api.Proxy;
import io.helidon.webclient.api.WebClient;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.Transport;
import java.net.URI;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds the one {@link WebClient} of each HTTP provider adapter, so that every provider
 * connection is made the same way:
 * <ul>
 *   <li>TLS 1.3 or 1.2 only, whatever the JDK would also accept;</li>
 *   <li>the server certificate's host name checked ({@code HTTPS} endpoint identification);</li>
 *   <li>the trust anchors of {@link Transport#trustedCertificates()} when configured, else the JDK's CAs;</li>
 *   <li>no redirects followed: a redirect would carry the API key header wherever it points;</li>
 *   <li>plain {@code http://} only to a loopback host, or when {@link Transport#allowInsecureHttp()} says so;</li>
 *   <li>through the JVM's proxy when one is configured ({@link #PROXY_PROPERTIES}), else directly.</li>
 * </ul>
 */
public final class ProviderClients {
    /** The only protocols offered; TLS 1.0 and 1.1 are refused even on a JDK that still allows them. */
    public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
    /** The JVM system properties that configure a proxy; when none is set, no proxy is looked up. */
    public static final List<String> PROXY_PROPERTIES =
            List.of("https.proxyHost", "http.proxyHost", "socksProxyHost", "java.net.useSystemProxies");

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
        if (!transport.permits(baseUrl)) {
            throw new IllegalArgumentException("plain http to a host that is not loopback (" + baseUrl.getHost()
                    + ") needs LLM_ALLOW_INSECURE_HTTP=true; use https");
        }
        return WebClient.builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(settings.requestTimeout())
                .followRedirects(false)
                .tls(tls(transport))
                .proxy(proxy(System::getProperty))
                .build();
    }

    /**
     * The JVM's proxy settings when any of {@link #PROXY_PROPERTIES} is set, else none. Helidon's
     * default asks the JVM's proxy selector on every request, which the load benchmark found on
     * the request path (see docs/benchmarks/llm-performance.md, 'Profile: what dominates the
     * gateway's CPU') although almost no deployment sets a proxy.
     */
    static Proxy proxy(UnaryOperator<String> systemProperty) {
        boolean configured = PROXY_PROPERTIES.stream()
                .map(systemProperty)
                .anyMatch(value -> value != null && !value.isBlank() && !"false".equalsIgnoreCase(value));
        return configured ? Proxy.create() : Proxy.noProxy();
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
}
