package io.llmclient.inbound.support.auth;

import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.application.governance.Governance;
import io.llmclient.domain.governance.Authentication;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Who is calling (contract sections 9 and 10): the key is read from {@code Authorization: Bearer
 * <key>} (the scheme in any case, RFC 7235 section 2.1) or {@code x-api-key: <key>}, and the
 * governance policy says which principal it is. The {@link io.llmclient.domain.governance.Caller}
 * is put in the request's context for the surfaces ({@link Callers}). While the policy has no keys,
 * every caller is {@code anonymous}. Every route except {@code /health}, {@code /ready} and
 * {@code /metrics} needs a key when auth is on; a refusal is HTTP 401 in the error shape of the
 * path's surface ({@link SurfaceRefusals}), and nothing of a presented key is echoed.
 */
public final class InboundAuthFilter implements Filter {
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");
    private static final HeaderName X_API_KEY = HeaderNames.create("x-api-key");
    private static final String BEARER = "bearer ";

    private final Governance governance;
    private final SurfaceRefusals refusals;

    /**
     * @param governance who the keys belong to; read on every request, so a reload applies at once
     * @param refusals   sends the 401 in the shape of the path's surface
     */
    public InboundAuthFilter(Governance governance, SurfaceRefusals refusals) {
        this.governance = Objects.requireNonNull(governance, "governance");
        this.refusals = Objects.requireNonNull(refusals, "refusals");
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (OPEN_PATHS.contains(path)) {
            chain.proceed();
            return;
        }
        switch (governance.authenticate(presented(req))) {
            case Authentication.Accepted accepted -> {
                req.context().register(accepted.caller());
                chain.proceed();
            }
            case Authentication.Rejected rejected -> {
                String traceId = A2aHeaders.traceId(req.headers());
                res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
                refusals.send(path, res, traceId, new Refusal.Unauthorized(rejected.reason()));
            }
        }
    }

    // Both headers may carry a key; the same key twice is one key, two different keys are refused.
    private static List<String> presented(RoutingRequest req) {
        var keys = new ArrayList<String>(2);
        bearer(req.headers().first(HeaderNames.AUTHORIZATION)).ifPresent(keys::add);
        req.headers().first(X_API_KEY).map(String::strip).filter(key -> !key.isEmpty()).ifPresent(keys::add);
        if (keys.isEmpty() && req.headers().contains(HeaderNames.AUTHORIZATION)) {
            // Another scheme (Basic, a bare key) is no key at all, but not nothing either.
            keys.add("");
        }
        return keys;
    }

    private static Optional<String> bearer(Optional<String> authorization) {
        // Auth schemes are case-insensitive: "bearer" and "BEARER" are the same scheme.
        return authorization.filter(value -> value.regionMatches(true, 0, BEARER, 0, BEARER.length()))
                .map(value -> value.substring(BEARER.length()).strip());
    }
}
