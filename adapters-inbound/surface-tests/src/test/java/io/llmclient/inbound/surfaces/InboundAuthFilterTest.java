package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.WebServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import io.llmclient.application.governance.Governance;
import io.llmclient.application.governance.InProcessQuotaState;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.GovernancePolicyParser;
import io.llmclient.domain.validation.Validated;
import io.llmclient.inbound.support.auth.InboundAuthFilter;

class InboundAuthFilterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static WebServer server;

    @BeforeAll
    static void start() {
        server = WebServer.builder().host("127.0.0.1").port(0)
                .routing(routing -> routing
                        .addFilter(new InboundAuthFilter(governance(List.of("key-one-1234567890",
                                "key-two-0987654321")), TestServer.refusals()))
                        .post("/jsonrpc", (req, res) -> res.send("rpc reached"))
                        .get("/v1/models", (req, res) -> res.send("models reached"))
                        .post("/v1/messages", (req, res) -> res.send("messages reached"))
                        .get("/health", (req, res) -> res.send("health reached"))
                        .get("/metrics", (req, res) -> res.send("metrics reached")))
                .build().start();
    }

    @AfterAll
    static void stop() {
        server.stop();
    }

    private static HttpResponse<String> call(String method, String path, String... headers) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .method(method, method.equals("POST") ? HttpRequest.BodyPublishers.ofString("{}")
                        : HttpRequest.BodyPublishers.noBody());
        if (headers.length > 0) {
            request.headers(headers);
        }
        return CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void eitherConfiguredKeyLetsTheRequestThrough() throws Exception {
        assertEquals("rpc reached", call("POST", "/jsonrpc", "Authorization", "Bearer key-one-1234567890").body());
        assertEquals("models reached", call("GET", "/v1/models", "Authorization", "Bearer key-two-0987654321").body());
    }

    @Test
    void healthAndMetricsNeedNoKey() throws Exception {
        assertEquals("health reached", call("GET", "/health").body());
        assertEquals("metrics reached", call("GET", "/metrics").body());
    }

    @Test
    void jsonRpcWithoutAKeyGets401WithAJsonRpcUnauthorizedError() throws Exception {
        var response = call("POST", "/jsonrpc", "X-Trace-Id", "t-auth");
        assertEquals(401, response.statusCode());
        assertEquals("t-auth", response.headers().firstValue("X-Trace-Id").orElseThrow());
        assertEquals(JSON.readTree("""
                {"jsonrpc":"2.0","id":null,"error":{"code":-32600,
                 "message":"Missing or invalid API key: send Authorization: Bearer <key> or x-api-key: <key>",
                 "data":{"type":"Unauthorized","trace_id":"t-auth"}}}"""), JSON.readTree(response.body()));
    }

    @Test
    void openAiRoutesWithAWrongKeyGet401InOpenAisErrorShape() throws Exception {
        var response = call("GET", "/v1/models", "Authorization", "Bearer key-one-WRONG");
        assertEquals(401, response.statusCode());
        assertEquals(JSON.readTree("""
                {"error":{"message":"Missing or invalid API key: send Authorization: Bearer <key> or x-api-key: <key>",
                 "type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"""),
                JSON.readTree(response.body()));
        assertFalse(response.body().contains("WRONG"), "the presented key is not echoed");
        assertFalse(response.headers().firstValue("X-Trace-Id").orElseThrow().isBlank());
    }

    @Test
    void anthropicRoutesTakeTheKeyAsXApiKey() throws Exception {
        assertEquals("messages reached", call("POST", "/v1/messages", "x-api-key", "key-one-1234567890").body());
    }

    @Test
    void anthropicRoutesWithAWrongKeyGet401InAnthropicsErrorShape() throws Exception {
        var response = call("POST", "/v1/messages", "x-api-key", "key-one-WRONG", "X-Trace-Id", "t-auth");
        assertEquals(401, response.statusCode());
        assertEquals("t-auth", response.headers().firstValue("request-id").orElseThrow());
        assertEquals(JSON.readTree("""
                {"type":"error","error":{"type":"authentication_error",
                 "message":"Missing or invalid API key: send Authorization: Bearer <key> or x-api-key: <key>"},
                 "request_id":"t-auth"}"""), JSON.readTree(response.body()));
        assertFalse(response.body().contains("WRONG"), "the presented key is not echoed");
    }

    @Test
    void theBearerSchemeIsAcceptedInAnyCase() throws Exception {
        // RFC 7235 section 2.1: the auth-scheme is a case-insensitive token.
        for (String scheme : List.of("bearer", "BEARER", "bEaReR")) {
            var response = call("POST", "/jsonrpc", "Authorization", scheme + " key-one-1234567890");
            assertEquals("rpc reached", response.body(), scheme);
        }
    }

    @Test
    void theKeyItselfStaysCaseSensitive() throws Exception {
        assertEquals(401, call("GET", "/v1/models", "Authorization", "Bearer KEY-ONE-1234567890").statusCode());
    }

    @Test
    void aKeyWithoutTheBearerSchemeIsRefused() throws Exception {
        assertEquals(401, call("GET", "/v1/models", "Authorization", "key-one-1234567890").statusCode());
        assertEquals(401, call("GET", "/v1/models", "Authorization", "Basic key-one-1234567890").statusCode());
    }

    @Test
    void unknownRoutesAreRefusedBeforeTheyCanBeProbed() throws Exception {
        assertEquals(401, call("GET", "/nope").statusCode());
    }

    @Test
    void theSameKeyInBothHeadersIsOneKeyButTwoDifferentKeysAreRefused() throws Exception {
        assertEquals("models reached", call("GET", "/v1/models", "Authorization", "Bearer key-one-1234567890",
                "x-api-key", "key-one-1234567890").body());
        var conflicting = call("GET", "/v1/models", "Authorization", "Bearer key-one-1234567890",
                "x-api-key", "key-two-0987654321");
        assertEquals(401, conflicting.statusCode());
        assertEquals("Authorization and x-api-key carry different keys",
                JSON.readTree(conflicting.body()).at("/error/message").asText());
    }

    @Test
    void xApiKeyAloneIsAcceptedWhereverBearerIs() throws Exception {
        assertEquals("rpc reached", call("POST", "/jsonrpc", "x-api-key", "key-two-0987654321").body());
        assertEquals(401, call("POST", "/jsonrpc", "x-api-key", "key-two-WRONG").statusCode());
    }

    // The keys of LLM_INBOUND_API_KEYS, principals inbound-1 and inbound-2.
    private static Governance governance(List<String> inboundKeys) {
        var allowed = new AllowList(List.of("sim-fast"));
        var catalog = new ModelCatalog(List.of(ModelEntry.of("sim-fast", new ProviderId("simulator"), ModelTier.FAST)));
        var policy = ((Validated.Valid<GovernancePolicy>) GovernancePolicyParser.parse(Map.of(), catalog, allowed,
                inboundKeys)).value();
        return new Governance(policy, new InProcessQuotaState(), TimeSource.system(), MetricsPort.none());
    }
}
