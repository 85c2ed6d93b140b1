package io.llmclient.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.application.provider.ResponseBudget;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.http.ProviderClients;
import io.llmclient.provider.support.http.ProviderExchange;
import io.llmclient.provider.support.json.SharedBufferJson;
import java.net.URI;
import java.util.List;
import java.util.Objects;

/**
 * The HTTP side of the adapter: one Helidon {@link WebClient} per provider instance, blocking
 * calls, the key in {@code x-goog-api-key} (never in the URL) and the A2A headers when known.
 * Sending and reading are {@link ProviderExchange}'s, as for every HTTP provider.
 */
final class GeminiHttp {
    static final HeaderName API_KEY = HeaderNames.create("x-goog-api-key");
    /** Headers an error mapping may read, by lower-case name. */
    private static final List<String> KEPT_HEADERS = List.of("retry-after", "retry-after-ms", "content-type");

    private static final ObjectMapper JSON = SharedBufferJson.mapperBuilder().build();

    private final WebClient client;
    private final String base;
    private final ApiKey key;
    private final ProviderExchange exchange;

    GeminiHttp(URI baseUrl, ApiKey key, ProviderSettings settings) {
        this.base = Objects.requireNonNull(baseUrl, "baseUrl").toString().replaceAll("/+$", "");
        this.key = Objects.requireNonNull(key, "key");
        // The request timeout is the longest silence allowed (ProviderExchange): before the status line, and for
        // a stream between two events. TLS 1.2+ with host name check; no redirects (Gemini does not redirect,
        // and following one would carry the key to another host).
        this.client = ProviderClients.create(baseUrl, settings);
        this.exchange = new ProviderExchange(ProviderId.GEMINI, client, settings.connectTimeout(),
                settings.requestTimeout(), settings.transport(), KEPT_HEADERS);
    }

    /** Sending, reading and naming failures, shared with the other HTTP providers. */
    ProviderExchange exchange() {
        return exchange;
    }

    /** Posts a JSON body, reads the whole answer, held in {@code held}, and closes it. */
    HttpReply call(String modelPath, ObjectNode body, A2aContext a2a, ResponseBudget.Reservation held) {
        return exchange.exchange(() -> request(modelPath, false), a2a, bytes(body), held);
    }

    /** Posts a JSON body and returns the open response; the caller closes it. */
    HttpClientResponse post(String modelPath, boolean sse, ObjectNode body, A2aContext a2a) {
        return exchange.send(() -> request(modelPath, sse), a2a, bytes(body));
    }

    private HttpClientRequest request(String modelPath, boolean sse) {
        HttpClientRequest request = client.post(base + "/v1beta/models/" + modelPath).header(API_KEY, key.value());
        if (sse) {
            request.queryParam("alt", "sse");
        }
        return request;
    }

    private static byte[] bytes(ObjectNode body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException impossible) {
            throw new IllegalStateException("a Jackson tree always serialises", impossible);
        }
    }

    @Override
    public String toString() {
        return "GeminiHttp[" + base + ", key " + key.masked() + "]";
    }
}
