package io.llmclient.provider.anthropic;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import io.llmclient.application.provider.LlmProvider;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.ForwardedHeaders;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Stop sequences reach Anthropic as {@code stop_sequences}, the one that ended the answer comes back,
 * and {@code anthropic-beta} forwarded for Anthropic reaches its upstream.
 */
class AnthropicStopSequencesTest {
    private static final String KEY = "anthropic-test-key-stop";
    // Anthropic's answer when a stop sequence ended it: stop_reason stop_sequence, and which one.
    private static final String STOPPED = """
            {"id":"msg_stop","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
             "content":[{"type":"text","text":"1, 2, 3, 4, "}],"stop_reason":"stop_sequence","stop_sequence":"5",
             "usage":{"input_tokens":12,"output_tokens":9}}""";
    private static final String STOPPED_STREAM = """
            event: message_start
            data: {"type":"message_start","message":{"id":"msg_stop","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":12,"output_tokens":1}}}

            event: content_block_start
            data: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}

            event: content_block_delta
            data: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"1, 2, 3, 4, "}}

            event: content_block_stop
            data: {"type":"content_block_stop","index":0}

            event: message_delta
            data: {"type":"message_delta","delta":{"stop_reason":"stop_sequence","stop_sequence":"5"},"usage":{"output_tokens":9}}

            event: message_stop
            data: {"type":"message_stop"}

            """;

    @RegisterExtension
    static final WireMockExtension UPSTREAM = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort()).build();

    private static LlmProvider provider() {
        return new AnthropicProviderFactory().create(ProviderSettingsFixtures.builder(ProviderId.ANTHROPIC)
                .apiKey(KEY).baseUrl(URI.create(UPSTREAM.baseUrl())).requestTimeout(Duration.ofSeconds(10)).build());
    }

    private static ChatRequests.Builder counting() {
        return ChatRequests.builder().user("Count to ten").maxTokens(64).stop("5", "END").context(TestRequests.A2A);
    }

    @Test
    void stopSequencesAreSentAsStopSequencesAndTheOneThatStoppedComesBack() {
        UPSTREAM.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(STOPPED)));

        ChatResponse response = provider().complete(counting().build(), TestRequests.CONTEXT);

        UPSTREAM.verify(1, postRequestedFor(urlEqualTo("/v1/messages")).withRequestBody(equalToJson("""
                {"model":"claude-3-5-haiku-20241022","max_tokens":64,
                 "messages":[{"role":"user","content":"Count to ten"}],"stop_sequences":["5","END"]}""")));
        assertEquals(FinishReason.STOP, response.finishReason());
        assertEquals(Optional.of("5"), response.stopSequence());
    }

    @Test
    void aStreamReportsTheStopSequenceFromMessageDelta() {
        UPSTREAM.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "text/event-stream").withBody(STOPPED_STREAM)));
        List<StreamEvent> events = new ArrayList<>();

        provider().stream(counting().stream(true).build(), TestRequests.CONTEXT, events::add);

        ChatResponse done = ((StreamEvent.Completed) events.getLast()).response();
        assertEquals(Optional.of("5"), done.stopSequence());
    }

    @Test
    void anthropicBetaForwardedForAnthropicReachesTheUpstream() {
        UPSTREAM.stubFor(post(urlEqualTo("/v1/messages")).willReturn(aResponse().withStatus(200)
                .withHeader("content-type", "application/json").withBody(STOPPED)));

        provider().complete(counting().forwarded(ForwardedHeaders.to(ProviderId.ANTHROPIC,
                Map.of("anthropic-beta", "token-efficient-tools-2025-02-19"))).build(), TestRequests.CONTEXT);

        UPSTREAM.verify(1, postRequestedFor(urlEqualTo("/v1/messages"))
                .withHeader("anthropic-beta", equalTo("token-efficient-tools-2025-02-19"))
                .withHeader("anthropic-version", equalTo("2023-06-01")));
    }
}
