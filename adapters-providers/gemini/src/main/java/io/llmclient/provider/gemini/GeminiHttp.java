package io.llmclient.provider.gemini;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.helidon.common.media.type.MediaTypes;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.webclient.api.HttpClientRequest;
import io.helidon.webclient.api.HttpClientResponse;
import io.helidon.webclient.api.WebClient;
import io.llmclient.application.provider.ApiKey;
import io.llmclient.application.provider.ProviderSettings;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.provider.support.http.A2aHeaders;
import io.llmclient.provider.support.http.HttpReply;
import io.llmclient.provider.support.http.ProviderClients;
import io.llmclient.provider.support.http.ResponseLimit;
import io.llmclient.provider.support.sse.EventStreamReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The HTTP side of the adapter: one Helidon {@link WebClient} per provider instance, blocking
 * calls, the key in {@code x-goog-api-key} (never in the URL) and the A2A headers when known.
 */
final class GeminiHttp {
    static final HeaderName API_KEY = HeaderNames.create("x-goog-api-key");
    /** Headers an error mapping may read, by lower-case name. */
    private static final List<String> KEPT_HEADERS = List.of("retry-after", "retry-after-ms", "content-type");

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebClient client;
    private final String base;
    private final ApiKey key;
    private final long maxResponseBytes;

    GeminiHttp(URI baseUrl, ApiKey key, ProviderSettings settings) {
        this.base = Objects.requireNonNull(baseUrl, "baseUrl").toString().replaceAll("/+$", "");
        this.key = Objects.requireNonNull(key, "key");
        this.maxResponseBytes = settings.transport().maxResponseBytes();
        // The socket read timeout (the request timeout) is the longest silence allowed: before the status line,
        // and for a stream between two events. TLS 1.2+ with host name check; no redirects (Gemini does not
        // redirect, and following one would carry the key to another host).
        this.client = ProviderClients.create(baseUrl, settings);
    }

    /** Posts a JSON body and returns the open response; the caller closes it. */
    HttpClientResponse post(String modelPath, boolean sse, ObjectNode body, A2aContext a2a) {
        HttpClientRequest request = client.post(base + "/v1beta/models/" + modelPath)
                .header(API_KEY, key.value())
                .contentType(MediaTypes.APPLICATION_JSON);
        if (sse) {
            request.queryParam("alt", "sse");
        }
        A2aHeaders.of(a2a).forEach((name, value) -> request.header(HeaderNames.create(name), value));
        return request.submit(bytes(body));
    }

    /** Reads a whole response (status, kept headers, body) and closes it. */
    HttpReply readWhole(HttpClientResponse response) {
        try (response) {
            Map<String, String> headers = new HashMap<>();
            for (String name : KEPT_HEADERS) {
                response.headers().first(HeaderNames.create(name)).ifPresent(value -> headers.put(name, value));
            }
            int status = response.status().code();
            return new HttpReply(status, headers, readAtMost(response.inputStream(), status));
        }
    }

    /** The events of a streamed answer, cut off past the upstream answer limit. */
    EventStreamReader events(HttpClientResponse response) {
        return new EventStreamReader(ResponseLimit.cap(response.inputStream(), maxResponseBytes,
                response.status().code()), maxResponseBytes);
    }

    private byte[] readAtMost(InputStream in, int status) {
        try (in) {
            return ResponseLimit.readAll(in, maxResponseBytes, status);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
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
