package io.llmclient.application.provider;

import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * How an HTTP provider adapter may reach its upstream, the same for every provider: the
 * certificates it trusts (empty: the JDK's own CAs), whether a plain
 * {@code http://} base URL may point at a host other than loopback, the largest upstream
 * answer it reads before giving up (a whole body, or a whole stream), and the byte budget the
 * answers it buffers share with every other call of the service.
 *
 * @param trustedCertificates when not empty, the only trust anchors ({@code LLM_TLS_TRUST_STORE}):
 *                            they replace the JDK's CAs, as {@code javax.net.ssl.trustStore} would
 * @param allowInsecureHttp   {@code LLM_ALLOW_INSECURE_HTTP}: plain HTTP to a non-loopback host
 * @param maxResponseBytes    {@code LLM_MAX_RESPONSE_BYTES}: more bytes than this from one answer
 *                            end the call with a ProviderError
 * @param responseBudget      {@code LLM_RESPONSE_BUFFER_BYTES}: the bytes all calls together may
 *                            buffer; one instance shared by every provider of the service
 */
public record Transport(List<X509Certificate> trustedCertificates, boolean allowInsecureHttp,
                        long maxResponseBytes, ResponseBudget responseBudget) {
    /** The default upstream answer limit: 32 MiB, room for the longest stream a model writes. */
    public static final long DEFAULT_MAX_RESPONSE_BYTES = 32L * 1024 * 1024;

    public Transport {
        trustedCertificates = List.copyOf(trustedCertificates);
        if (maxResponseBytes <= 0) {
            throw new IllegalArgumentException("maxResponseBytes must be > 0");
        }
        Objects.requireNonNull(responseBudget, "responseBudget");
    }

    /** As configured, with a budget of its own that never refuses: for providers built outside the service. */
    public Transport(List<X509Certificate> trustedCertificates, boolean allowInsecureHttp, long maxResponseBytes) {
        this(trustedCertificates, allowInsecureHttp, maxResponseBytes, ResponseBudget.unlimited());
    }

    /** The JDK's CAs, HTTPS only (but to loopback), {@link #DEFAULT_MAX_RESPONSE_BYTES}, no shared budget. */
    public static Transport defaults() {
        return new Transport(List.of(), false, DEFAULT_MAX_RESPONSE_BYTES);
    }

    /** The same rules, buffering within {@code budget}: the service gives every provider its one budget. */
    public Transport sharing(ResponseBudget budget) {
        return new Transport(trustedCertificates, allowInsecureHttp, maxResponseBytes, budget);
    }

    /** Whether a call to {@code baseUrl} is allowed: https always, http only to loopback unless opted in. */
    public boolean permits(URI baseUrl) {
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

    @Override
    public String toString() {
        return "Transport[" + trustedCertificates.size() + " trusted certificates, insecure http "
                + (allowInsecureHttp ? "allowed" : "refused") + ", max response " + maxResponseBytes
                + " bytes, budget of " + responseBudget.capacity() + " bytes]";
    }
}
