package io.llmclient.jsonrpc;

import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.llmclient.application.service.LlmService;
import java.util.Objects;

/** JSON-RPC 2.0 at {@code POST /jsonrpc}: translates requests to {@link LlmService} calls and back. */
public final class JsonRpcEndpoint implements HttpService {
    private final LlmService service;
    private final InboundLimits limits;

    public JsonRpcEndpoint(LlmService service, InboundLimits limits) {
        this.service = Objects.requireNonNull(service, "service");
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    @Override
    public void routing(HttpRules rules) {
        rules.post("/jsonrpc", (req, res) -> res.status(501).send("not yet: " + service + limits));
    }
}
