package io.llmclient.domain.archfixture;

import java.net.http.HttpClient;

/**
 * Breaks "no java.net.http in domain or application" and nothing else: java.net.http is part of the
 * JDK, so "domain depends on the JDK only" lets it through; that is why the explicit rule exists.
 */
public final class DomainCallsHttp {
    private DomainCallsHttp() {
    }

    public static HttpClient client() {
        return HttpClient.newHttpClient();
    }
}
