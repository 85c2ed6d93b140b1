package io.llmclient.bootstrap.sdk;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.openai.core.JsonValue;
import com.openai.models.FunctionDefinition;
import com.openai.models.FunctionParameters;
import com.openai.models.chat.completions.ChatCompletionFunctionTool;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One provider's API on its own WireMock server, answering in that provider's wire format from
 * the fixtures in {@code src/test/resources/fixtures/<provider>/} ({@code SOURCES.md} there), and
 * what the OpenAI SDK must see of those answers through the service.
 *
 * <p>Each upstream answers three requests: the question with the tool declared (a tool call),
 * the follow-up holding the tool result (the final text), and the streamed question (a streamed
 * tool call).
 */
abstract sealed class ProviderUpstream permits OpenAiUpstream, AnthropicUpstream, GeminiUpstream {
    static final ObjectMapper JSON = new ObjectMapper();

    /** A function tool call as the SDK reports it. */
    record Call(String id, String name, String arguments) {
    }

    private final String provider;
    private final WireMockServer server = new WireMockServer(wireMockConfig().dynamicPort());

    ProviderUpstream(String provider) {
        this.provider = provider;
    }

    /** Starts the server with this provider's answers. */
    final void start() {
        server.start();
        stub(server);
    }

    /**
     * Stops the server. Not {@code close()}: JUnit closes {@code AutoCloseable} arguments of a
     * parameterized test after each invocation, and these serve the whole class.
     */
    final void stop() {
        server.stop();
    }

    final String baseUrl() {
        return server.baseUrl();
    }

    /** Forgets the requests received so far. */
    final void forget() {
        server.resetRequests();
    }

    /** The bodies of the requests received since {@link #forget()}, oldest first. */
    final List<JsonNode> received() {
        return server.findAll(anyRequestedFor(anyUrl())).stream().map(request -> read(request.getBodyAsString()))
                .toList();
    }

    /** The catalog model served by this provider. */
    abstract String model();

    /** The API key and the base URL that point the service's adapter at this server. */
    abstract Map<String, String> env();

    /** Stubs the three answers (see the class comment). */
    abstract void stub(WireMockServer server);

    /** The function the caller declares. */
    abstract ChatCompletionFunctionTool tool();

    /** The user's question. */
    abstract String question();

    /** What the caller's tool returned, sent back as the tool message's content. */
    abstract String toolResult();

    /** The call of the completed answer. */
    abstract Call completedCall();

    /** The call of the streamed answer, its arguments joined from {@link #streamedFragments()}. */
    abstract Call streamedCall();

    /** The {@code arguments} of each tool-call delta of the streamed answer, in order. */
    abstract List<String> streamedFragments();

    /** The text of the answer to the tool result. */
    abstract String finalAnswer();

    /** Members of the first request's body (also the streamed one's), in the provider's shape. */
    abstract Map<String, JsonNode> firstTurn();

    /** Members of the follow-up request's body, holding the call and the tool result. */
    abstract Map<String, JsonNode> followUpTurn();

    @Override
    public final String toString() {
        return provider;
    }

    /** A fixture of this provider, as text. */
    final String fixture(String name) {
        String path = "/fixtures/" + provider + "/" + name;
        try (InputStream in = ProviderUpstream.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalStateException("no fixture " + path);
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    final JsonNode fixtureJson(String name) {
        return read(fixture(name));
    }

    static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A function tool whose parameters are this JSON Schema, its members in their order. */
    static ChatCompletionFunctionTool function(String name, Optional<String> description, JsonNode schema,
                                               boolean strict) {
        var parameters = FunctionParameters.builder();
        schema.properties().forEach(member -> parameters.putAdditionalProperty(member.getKey(),
                JsonValue.fromJsonNode(member.getValue())));
        var definition = FunctionDefinition.builder().name(name).parameters(parameters.build());
        description.ifPresent(definition::description);
        if (strict) {
            definition.strict(true);
        }
        return ChatCompletionFunctionTool.builder().function(definition.build()).build();
    }

    static ResponseDefinitionBuilder json(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody(body);
    }

    static ResponseDefinitionBuilder sse(String body) {
        return aResponse().withStatus(200).withHeader("Content-Type", "text/event-stream").withBody(body);
    }
}
