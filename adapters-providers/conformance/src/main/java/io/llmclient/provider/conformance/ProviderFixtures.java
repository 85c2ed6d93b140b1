package io.llmclient.provider.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.llmclient.domain.chat.ProviderId;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One provider's recorded wire fixtures, read from the test class path under
 * {@code /fixtures/<provider id>/}: each provider module keeps its copies, byte for byte from
 * the shared fixture set, in {@code src/test/resources/fixtures/<provider id>/} with their
 * provenance in {@code SOURCES.md} there.
 */
public final class ProviderFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String directory;

    private ProviderFixtures(String directory) {
        this.directory = directory;
    }

    /** The fixtures of {@code provider}. */
    public static ProviderFixtures of(ProviderId provider) {
        return new ProviderFixtures("/fixtures/" + provider.value() + "/");
    }

    /** A fixture as recorded; an unknown name fails the test that asked for it. */
    public byte[] bytes(String name) {
        try (InputStream in = ProviderFixtures.class.getResourceAsStream(directory + name)) {
            if (in == null) {
                throw new IllegalArgumentException("no fixture " + directory + name);
            }
            return in.readAllBytes();
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** A fixture as UTF-8 text. */
    public String text(String name) {
        return new String(bytes(name), StandardCharsets.UTF_8);
    }

    /** A JSON fixture as a tree. */
    public JsonNode json(String name) {
        try {
            return JSON.readTree(bytes(name));
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }

    /** A headers fixture ({@code {"name": "value", ...}}) as a map in the recorded order. */
    public Map<String, String> headers(String name) {
        Map<String, String> headers = new LinkedHashMap<>();
        json(name).properties().forEach(entry -> headers.put(entry.getKey(), entry.getValue().asText()));
        return headers;
    }

    /** JSON text written in a test, as a tree. */
    public static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException failed) {
            throw new UncheckedIOException(failed);
        }
    }
}
