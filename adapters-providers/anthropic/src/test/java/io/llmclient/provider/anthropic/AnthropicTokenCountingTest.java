package io.llmclient.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.domain.tools.ToolDefinition;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Anthropic's own token count, {@code POST /v1/messages/count_tokens}, against WireMock with the
 * documented request (the Messages body without {@code max_tokens}) and answer
 * ({@code {"input_tokens": 2095}}, https://platform.claude.com/docs/en/build-with-claude/token-counting).
 */
class AnthropicTokenCountingTest {
    private static final String KEY = "anthropic-test-key-count";
    private static final String COUNT = "/v1/messages/count_tokens";

    @RegisterExtension
    static final WireMockExtension UPSTREAM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static LlmProvider provider() {
        return new AnthropicProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.ANTHROPIC)
                .apiKey(KEY).baseUrl(URI.create(UPSTREAM.baseUrl())).requestTimeout(Duration.ofSeconds(10)).build());
    }

    private static ChatRequests.Builder weather() {
        return ChatRequests.builder().system("You are a scientist").user("Hello, Claude").maxTokens(64)
                .temperature(0.5).stop("END").context(TestRequests.A2A);
    }

    @Test
    void theCountIsAskedWithTheMessagesBodyLessWhatIsNotInputAndReadFromInputTokens() {
        UPSTREAM.stubFor(post(urlEqualTo(COUNT)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"input_tokens\": 2095}")));

        OptionalInt count = provider().countTokens(weather().build(), TestRequests.CONTEXT);

        assertEquals(OptionalInt.of(2095), count);
        UPSTREAM.verify(1, postRequestedFor(urlEqualTo(COUNT))
                .withHeader("x-api-key", equalTo(KEY))
                .withHeader("anthropic-version", equalTo("2023-06-01"))
                .withHeader("X-Trace-Id", equalTo("t-123"))
                .withRequestBody(equalToJson("""
                        {"model":"claude-3-5-haiku-20241022","system":"You are a scientist",
                         "messages":[{"role":"user","content":"Hello, Claude"}]}""")));
    }

    @Test
    void toolsCountAndAnthropicBetaIsForwarded() {
        UPSTREAM.stubFor(post(urlEqualTo(COUNT)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"input_tokens\": 403}")));

        provider().countTokens(ChatRequests.builder().user("Weather in SF?").context(TestRequests.A2A)
                .tools(java.util.List.of(ToolDefinition.function("get_weather", "Weather of a city",
                        Map.of("type", "object", "properties", Map.of("city", Map.of("type", "string"))))))
                .forwarded(ForwardedHeaders.to(ProviderId.ANTHROPIC, Map.of("anthropic-beta", "beta-test")))
                .build(), TestRequests.CONTEXT);

        UPSTREAM.verify(1, postRequestedFor(urlEqualTo(COUNT))
                .withHeader("anthropic-beta", equalTo("beta-test"))
                .withRequestBody(equalToJson("""
                        {"model":"claude-3-5-haiku-20241022",
                         "messages":[{"role":"user","content":"Weather in SF?"}],
                         "tools":[{"name":"get_weather","description":"Weather of a city",
                           "input_schema":{"type":"object","properties":{"city":{"type":"string"}}}}]}""")));
    }

    @Test
    void anErrorAnswerIsTheProvidersFailure() {
        UPSTREAM.stubFor(post(urlEqualTo(COUNT)).willReturn(aResponse().withStatus(404)
                .withHeader("content-type", "application/json").withBody("""
                        {"type":"error","error":{"type":"not_found_error","message":"model: claude-x"}}""")));

        LlmFailure failure = assertThrows(LlmFailureException.class,
                () -> provider().countTokens(weather().build(), TestRequests.CONTEXT)).failure();

        assertEquals(OptionalInt.of(404), assertInstanceOf(LlmFailure.ProviderFailed.class, failure).status());
    }

    @Test
    void anAnswerWithoutACountIsMalformed() {
        UPSTREAM.stubFor(post(urlEqualTo(COUNT)).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody("{\"tokens\": 3}")));

        LlmFailure failure = assertThrows(LlmFailureException.class,
                () -> provider().countTokens(weather().build(), TestRequests.CONTEXT)).failure();

        assertInstanceOf(LlmFailure.ProviderFailed.class, failure);
    }
}
