package io.llmclient.inbound.support.drain;

import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Objects;

/**
 * {@code GET /ready}, the readiness probe (contract section 14): 200 {@code {"status":"UP"}} while
 * the service accepts work, 503 {@code {"status":"DOWN"}} from the moment it starts draining.
 * {@code /health} stays the liveness probe: a draining service is alive.
 */
public final class ReadyEndpoint implements HttpService {
    private static final String UP = "{\"status\":\"UP\"}";
    private static final String DOWN = "{\"status\":\"DOWN\"}";

    private final Readiness readiness;

    public ReadyEndpoint(Readiness readiness) {
        this.readiness = Objects.requireNonNull(readiness, "readiness");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/ready", this::ready);
    }

    private void ready(ServerRequest req, ServerResponse res) {
        boolean draining = readiness.draining();
        res.status(draining ? Status.SERVICE_UNAVAILABLE_503 : Status.OK_200);
        res.header(HeaderValues.CONTENT_TYPE_JSON);
        res.send(draining ? DOWN : UP);
    }
}
