package io.llmclient.bootstrap.observability;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.MappingBuilder;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One WireMock server standing in for the OpenAI, Anthropic and Gemini upstreams at once (their
 * paths differ), answering from the recorded fixtures of each provider module: a completion, a
 * stream, and whatever a test adds for requests whose body holds a marker text.
 */
public final class Upstreams implements AutoCloseable {
    public static final String OPENAI_MODEL = "gpt-4.1-mini";
    public static final String ANTHROPIC_MODEL = "claude-3-5-haiku-20241022";
    public static final String GEMINI_MODEL = "gemini-1.5-flash";
    private static final Path PROVIDERS = Path.of("..", "adapters-providers");

    private final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());

    public Upstreams() {
        server.start();
        server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(10)
                .willReturn(json(200, fixture("openai", "chat-response.json"))));
        server.stubFor(post(urlPathEqualTo("/v1/chat/completions")).atPriority(9)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(fixture("openai", "chat-stream.sse"))));
        server.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(10)
                .willReturn(json(200, fixture("anthropic", "messages-response.json"))));
        server.stubFor(post(urlPathEqualTo("/v1/messages")).atPriority(9)
                .withRequestBody(matchingJsonPath("$.stream", equalTo("true")))
                .willReturn(sse(fixture("anthropic", "messages-stream.sse"))));
        server.stubFor(post(urlPathEqualTo("/v1beta/models/" + GEMINI_MODEL + ":generateContent")).atPriority(10)
                .willReturn(json(200, fixture("gemini", "generate-response.json"))));
        server.stubFor(post(urlPathEqualTo("/v1beta/models/" + GEMINI_MODEL + ":streamGenerateContent"))
                .atPriority(10).willReturn(sse(fixture("gemini", "stream.sse"))));
    }

    /** The environment that points the three providers here, each with the given key. */
    public Map<String, String> env(String openAiKey, String anthropicKey, String googleKey) {
        var env = new HashMap<String, String>();
        env.put("OPENAI_API_KEY", openAiKey);
        env.put("ANTHROPIC_API_KEY", anthropicKey);
        env.put("GOOGLE_API_KEY", googleKey);
        env.put("OPENAI_BASE_URL", server.baseUrl() + "/v1");
        env.put("ANTHROPIC_BASE_URL", server.baseUrl());
        env.put("GEMINI_BASE_URL", server.baseUrl());
        return env;
    }

    /**
     * Answers any call of {@code provider} whose body contains {@code marker} with {@code response};
     * {@code anthropic-count} is Anthropic's {@code count_tokens}.
     */
    public void whenBodyContains(String provider, String marker, ResponseDefinitionBuilder response) {
        MappingBuilder mapping = switch (provider) {
            case "openai" -> any(urlPathEqualTo("/v1/chat/completions"));
            case "anthropic" -> any(urlPathEqualTo("/v1/messages"));
            case "anthropic-count" -> any(urlPathEqualTo("/v1/messages/count_tokens"));
            case "gemini" -> any(urlPathMatching("/v1beta/models/.*"));
            default -> throw new IllegalArgumentException(provider);
        };
        server.stubFor(mapping.atPriority(1).withRequestBody(containing(marker)).willReturn(response));
    }

    /** The recorded fixture of a provider module, as text. */
    public static String fixture(String provider, String name) {
        try {
            return Files.readString(PROVIDERS.resolve(Path.of(provider, "src", "test", "resources", "fixtures",
                    provider, name)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    public static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
    }

    /** The requests received at {@code urlPath}, oldest first. */
    public List<LoggedRequest> received(String urlPath) {
        return server.findAll(anyRequestedFor(urlPathEqualTo(urlPath)));
    }

    public String baseUrl() {
        return server.baseUrl();
    }

    @Override
    public void close() {
        server.stop();
    }
}
