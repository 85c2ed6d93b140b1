package io.llmclient.provider.openai;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
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

/** Stop sequences reach OpenAI as {@code stop}; headers forwarded for another provider never do. */
class OpenAiStopSequencesTest {
    private static final ProviderFixtures FIXTURES = ProviderFixtures.of(ProviderId.OPENAI);
    private static final String KEY = "sk-test-stop-sequences";

    @RegisterExtension
    static final WireMockExtension OPENAI = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static void complete(ChatRequests.Builder request) {
        OPENAI.stubFor(post(urlEqualTo("/chat/completions")).willReturn(aResponse().withStatus(200)
                .withHeader("Content-Type", "application/json").withBody(FIXTURES.bytes("chat-response.json"))));
        new OpenAiProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.OPENAI).apiKey(KEY)
                        .baseUrl(URI.create(OPENAI.baseUrl())).requestTimeout(Duration.ofSeconds(10)).build())
                .complete(request.context(TestRequests.A2A).build(), TestRequests.CONTEXT);
    }

    @Test
    void stopSequencesAreSentAsStop() {
        complete(ChatRequests.builder().model("gpt-4.1-mini").user("Count").stop("5", "END"));
        OPENAI.verify(1, postRequestedFor(urlEqualTo("/chat/completions")).withRequestBody(equalToJson("""
                {"model":"gpt-4.1-mini","messages":[{"role":"user","content":"Count"}],"stop":["5","END"]}""")));
    }

    @Test
    void headersForwardedToAnotherProviderAreNotSent() {
        complete(ChatRequests.builder().model("gpt-4.1-mini").user("Count")
                .forwarded(ForwardedHeaders.to(ProviderId.ANTHROPIC, Map.of("anthropic-beta", "tools-2024-04-04"))));
        OPENAI.verify(1, postRequestedFor(urlEqualTo("/chat/completions")).withHeader("anthropic-beta", absent()));
    }
}
