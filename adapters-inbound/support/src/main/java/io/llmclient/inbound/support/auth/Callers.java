package io.llmclient.inbound.support.auth;

import io.helidon.webserver.http.ServerRequest;
import io.llmclient.application.governance.Governance;
import io.llmclient.domain.governance.Caller;

/** The caller {@link InboundAuthFilter} authenticated, for a surface's handler. */
public final class Callers {
    private Callers() {
    }

    /**
     * The request's caller. A surface served without the filter (its own tests) runs as the
     * anonymous caller, but never while the policy requires keys: that would be a door left open.
     */
    public static Caller of(ServerRequest req, Governance governance) {
        return req.context().get(Caller.class).orElseGet(() -> {
            if (governance.policy().authRequired()) {
                throw new IllegalStateException("inbound auth is on but no caller was authenticated for "
                        + req.path().path() + ": the auth filter is not installed");
            }
            return governance.anonymous();
        });
    }
}
