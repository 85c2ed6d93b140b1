package io.llmclient.provider.gemini;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.testing.ChatRequests;
import io.llmclient.provider.conformance.ProviderFixtures;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stop sequences reach Gemini as {@code generationConfig.stopSequences}; foreign forwarded headers do not. */
class GeminiStopSequencesTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.GEMINI);

    @RegisterExtension
    static final WireMockExtension GEMINI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static void complete(ChatRequests.Builder request) {
        GEMINI.stubFor(post(urlPathEqualTo(GeminiProviderTest.GENERATE)).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(FIXTURES.bytes("generate-response.json"))));
        new GeminiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.GEMINI)
                        .apiKey(GeminiProviderTest.KEY).baseUrl(URI.create(GEMINI.baseUrl()))
                        .requestTimeout(Duration.ofSeconds(10)).build())
                .complete(request.model("gemini-1.5-flash").context(GeminiProviderTest.A2A).build(),
                        GeminiProviderTest.CONTEXT);
    }

    @Test
    void stopSequencesAreSentInTheGenerationConfig() {
        complete(ChatRequests.builder().user("Count").stop("5", "END"));
        GEMINI.verify(1, postRequestedFor(urlEqualTo(GeminiProviderTest.GENERATE)).withRequestBody(equalToJson("""
                {"contents":[{"role":"user","parts":[{"text":"Count"}]}],
                 "generationConfig":{"stopSequences":["5","END"]}}""")));
    }

    @Test
    void headersForwardedToAnotherProviderAreNotSent() {
        complete(ChatRequests.builder().user("Count")
                .forwarded(ForwardedHeaders.to(ProviderId.ANTHROPIC, Map.of("anthropic-beta", "x-test"))));
        GEMINI.verify(1, postRequestedFor(urlEqualTo(GeminiProviderTest.GENERATE))
                .withHeader("anthropic-beta", absent()));
    }
}
