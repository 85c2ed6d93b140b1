package io.llmclient.inbound.support.auth;

import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.llmclient.inbound.support.context.A2aHeaders;
import io.llmclient.inbound.support.refusal.Refusal;
import io.llmclient.inbound.support.refusal.SurfaceRefusals;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Optional inbound authentication (contract section 9, {@code LLM_INBOUND_API_KEYS}): every
 * route except {@code /health}, {@code /ready} and {@code /metrics} needs {@code Authorization: Bearer <key>}
 * (the scheme in any case, RFC 7235 section 2.1).
 * Refusals are HTTP 401 in the error shape of the path's surface ({@link SurfaceRefusals}). Keys
 * are compared in constant time, and nothing of a presented key is echoed.
 */
public final class InboundAuthFilter implements Filter {
    private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");
    private static final String BEARER = "bearer ";
    private static final Refusal UNAUTHORIZED =
            new Refusal.Unauthorized("Missing or invalid API key: send Authorization: Bearer <key>");

    private final List<byte[]> keys;
    private final SurfaceRefusals refusals;

    /**
     * @param keys     the accepted keys; must not be empty (leave the filter out for no auth)
     * @param refusals sends the 401 in the shape of the path's surface
     */
    public InboundAuthFilter(List<String> keys, SurfaceRefusals refusals) {
        this.refusals = Objects.requireNonNull(refusals, "refusals");
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("inbound auth needs at least one key");
        }
        this.keys = keys.stream().map(key -> key.getBytes(StandardCharsets.UTF_8)).toList();
    }

    @Override
    public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (OPEN_PATHS.contains(path) || presentsAKnownKey(req.headers().first(HeaderNames.AUTHORIZATION))) {
            chain.proceed();
            return;
        }
        String traceId = A2aHeaders.traceId(name -> req.headers().first(HeaderNames.create(name)));
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer");
        refusals.send(path, res, traceId, UNAUTHORIZED);
    }

    private boolean presentsAKnownKey(Optional<String> authorization) {
        // Auth schemes are case-insensitive: "bearer" and "BEARER" are the same scheme.
        if (authorization.isEmpty() || !authorization.get().regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return false;
        }
        byte[] presented = authorization.get().substring(BEARER.length()).strip().getBytes(StandardCharsets.UTF_8);
        boolean known = false;
        for (byte[] key : keys) {
            // No early exit: the time taken does not tell which key, or how much of one, matched.
            known |= MessageDigest.isEqual(key, presented);
        }
        return known;
    }
}
