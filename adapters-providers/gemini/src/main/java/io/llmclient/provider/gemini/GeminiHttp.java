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
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.provider.support.http.A2aHeaders;
import io.llmclient.provider.support.http.HttpReply;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
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
    /** A non-streamed answer or error larger than this is not a Gemini answer; refuse to buffer it. */
    static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

    private static final ObjectMapper JSON = new ObjectMapper();

    private final WebClient client;
    private final String base;
    private final ApiKey key;

    GeminiHttp(URI baseUrl, ApiKey key, Duration connectTimeout, Duration requestTimeout) {
        this.base = Objects.requireNonNull(baseUrl, "baseUrl").toString().replaceAll("/+$", "");
        this.key = Objects.requireNonNull(key, "key");
        this.client = WebClient.builder()
                .connectTimeout(connectTimeout)
                // The socket read timeout is the longest silence allowed: before the status line, and for a
                // stream between two events (contract: LLM_REQUEST_TIMEOUT is the idle gap for streams).
                .readTimeout(requestTimeout)
                // Gemini does not redirect; following one would carry the key to another host.
                .followRedirects(false)
                .build();
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
    static HttpReply readWhole(HttpClientResponse response) {
        try (response) {
            Map<String, String> headers = new HashMap<>();
            for (String name : KEPT_HEADERS) {
                response.headers().first(HeaderNames.create(name)).ifPresent(value -> headers.put(name, value));
            }
            return new HttpReply(response.status().code(), headers, readAtMost(response.inputStream()));
        }
    }

    private static byte[] readAtMost(InputStream in) {
        try (in) {
            byte[] body = in.readNBytes(MAX_BODY_BYTES + 1);
            if (body.length > MAX_BODY_BYTES) {
                throw new IOException("upstream body larger than " + MAX_BODY_BYTES + " bytes");
            }
            return body;
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
