package io.llmclient.provider.simulator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.CallContext;
import io.llmclient.application.testing.ProviderSettingsFixtures;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.ChatResponse;
import io.llmclient.domain.chat.FinishReason;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.testing.ChatRequests;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class SimulatorProviderTest {
    private static final ModelEntry SIM_FAST = ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST);
    private static final CallContext CONTEXT = new CallContext(SIM_FAST, A2aContext.ofTrace("t-1"));

    private final List<Duration> sleeps = new ArrayList<>();

    private SimulatorProvider provider(boolean enabled, Pacing pacing) {
        return new SimulatorProvider(enabled, pacing, sleeps::add);
    }

    private SimulatorProvider instant() {
        return provider(true, new Pacing(Duration.ZERO, Duration.ZERO));
    }

    private static ChatRequest request(OptionalInt maxTokens, Message... messages) {
        return ChatRequests.builder().model("sim-fast").messages(messages).maxTokens(maxTokens).traceId("t-1").build();
    }

    private static ChatRequest ask(String text) {
        return request(OptionalInt.empty(), new Message(Role.USER, text));
    }

    @Test
    void theSameRequestGetsTheSameText() {
        var first = instant().complete(ask("Hello there"), CONTEXT);
        var second = instant().complete(ask("Hello there"), CONTEXT);
        assertEquals(first.content(), second.content());
        assertNotEquals(first.id(), second.id(), "each response still gets its own id");
    }

    @Test
    void aStopSequenceEndsTheTextJustBeforeItAndIsReported() {
        String whole = instant().complete(ask("Hello there"), CONTEXT).content();
        String stop = whole.substring(whole.indexOf(':') + 1, whole.indexOf(':') + 6);

        ChatResponse stopped = instant().complete(ChatRequests.builder().model("sim-fast").user("Hello there")
                .stop("never-in-the-text", stop).build(), CONTEXT);

        assertEquals(whole.substring(0, whole.indexOf(stop)), stopped.content());
        assertEquals(FinishReason.STOP, stopped.finishReason());
        assertEquals(java.util.Optional.of(stop), stopped.stopSequence());
    }

    @Test
    void aStopSequenceNotInTheTextChangesNothing() {
        ChatResponse response = instant().complete(ChatRequests.builder().model("sim-fast").user("Hello there")
                .stop("never-in-the-text").build(), CONTEXT);

        assertEquals(instant().complete(ask("Hello there"), CONTEXT).content(), response.content());
        assertEquals(java.util.Optional.empty(), response.stopSequence());
    }

    @Test
    void aDifferentPromptGetsADifferentText() {
        var hello = instant().complete(ask("Hello there"), CONTEXT);
        var bye = instant().complete(ask("Goodbye now"), CONTEXT);
        assertNotEquals(hello.content(), bye.content());
    }

    @Test
    void theReplyEchoesTheStartOfTheLastUserMessage() {
        var response = instant().complete(ask("What is the capital of France?"), CONTEXT);
        assertTrue(response.content().startsWith("Simulated reply from sim-fast to \"What is the capital of France?\":"),
                response.content());
    }

    @Test
    void usageCountsFollowTheDocumentedTokenRule() {
        // "Be brief." = Be, brief, . -> 3 tokens + 1 for the role; "Hello, world!" = 4 + 1.
        var request = request(OptionalInt.empty(), new Message(Role.SYSTEM, "Be brief."),
                new Message(Role.USER, "Hello, world!"));
        ChatResponse response = instant().complete(request, CONTEXT);
        assertEquals(9, response.usage().promptTokens());
        assertEquals(SimulatorTokenizer.count(response.content()), response.usage().completionTokens());
        assertEquals(response.usage().promptTokens() + response.usage().completionTokens(),
                response.usage().totalTokens());
    }

    @Test
    void anUntruncatedReplyFinishesWithStop() {
        var response = instant().complete(ask("Hi"), CONTEXT);
        assertEquals(FinishReason.STOP, response.finishReason());
        assertTrue(response.content().endsWith("."));
    }

    @Test
    void maxTokensCutsTheReplyAndFinishesWithLength() {
        var full = instant().complete(ask("Tell me a story"), CONTEXT);
        var cut = instant().complete(request(OptionalInt.of(5), new Message(Role.USER, "Tell me a story")), CONTEXT);
        assertEquals(FinishReason.LENGTH, cut.finishReason());
        assertEquals(5, cut.usage().completionTokens());
        assertEquals(5, SimulatorTokenizer.count(cut.content()));
        assertTrue(full.content().startsWith(cut.content()));
    }

    @Test
    void theResponseNamesTheCatalogModelProviderAndTrace() {
        var response = instant().complete(ask("Hi"), CONTEXT);
        assertEquals("sim-fast", response.model());
        assertEquals("sim-fast", response.providerModel());
        assertEquals(ProviderId.SIMULATOR, response.provider());
        assertEquals("t-1", response.traceId());
        assertTrue(response.id().startsWith("simcmpl-"));
    }

    @Test
    void aStreamSendsOneDeltaPerTokenThenTheSameTextCompleted() {
        var events = new ArrayList<StreamEvent>();
        instant().stream(ask("Hello there"), CONTEXT, events::add);
        var completed = assertInstanceOf(StreamEvent.Completed.class, events.getLast());
        var deltas = events.subList(0, events.size() - 1).stream()
                .map(event -> assertInstanceOf(StreamEvent.Delta.class, event).text()).toList();
        assertEquals(completed.response().usage().completionTokens(), deltas.size());
        assertEquals(completed.response().content(), String.join("", deltas));
        assertEquals(instant().complete(ask("Hello there"), CONTEXT).content(), completed.response().content());
    }

    @Test
    void aStreamWaitsTheTimeToFirstTokenThenTheGapBetweenTokens() {
        var pacing = new Pacing(Duration.ofMillis(200), Duration.ofMillis(15));
        var events = new ArrayList<StreamEvent>();
        provider(true, pacing).stream(ask("Hi"), CONTEXT, events::add);
        int deltas = events.size() - 1;
        assertEquals(Duration.ofMillis(200), sleeps.getFirst());
        assertEquals(deltas, sleeps.size(), "one wait before the first token and one between each pair");
        assertTrue(sleeps.subList(1, sleeps.size()).stream().allMatch(Duration.ofMillis(15)::equals));
    }

    @Test
    void aCompletionWaitsAsLongAsTheStreamWould() {
        var pacing = new Pacing(Duration.ofMillis(100), Duration.ofMillis(10));
        var response = provider(true, pacing).complete(ask("Hi"), CONTEXT);
        assertEquals(response.usage().completionTokens(), sleeps.size());
    }

    @Test
    void aDisabledSimulatorIsUnavailableAndRefusesCalls() {
        var off = provider(false, new Pacing(Duration.ZERO, Duration.ZERO));
        assertFalse(off.availability().available());
        var thrown = assertThrows(LlmFailureException.class, () -> off.complete(ask("Hi"), CONTEXT));
        assertInstanceOf(LlmFailure.ProviderUnavailable.class, thrown.failure());
    }

    @Test
    void theFactoryIsFoundByServiceLoaderAndReadsItsPacingOptions() {
        var factory = ServiceLoader.load(io.llmclient.application.provider.LlmProviderFactory.class).stream()
                .map(ServiceLoader.Provider::get)
                .filter(found -> found.id().equals(ProviderId.SIMULATOR))
                .findFirst().orElseThrow();
        var settings = ProviderSettingsFixtures.builder(ProviderId.SIMULATOR)
                .options(Map.of("ttft_ms", "0", "inter_token_ms", "0")).build();
        var provider = factory.create(settings);
        assertTrue(provider.availability().available());
        assertEquals(ProviderId.SIMULATOR, provider.id());
    }

    @Test
    void theFactoryRefusesANegativeDelay() {
        var settings = ProviderSettingsFixtures.builder(ProviderId.SIMULATOR).option("ttft_ms", "-1").build();
        assertThrows(IllegalArgumentException.class, () -> new SimulatorProviderFactory().create(settings));
    }

    @Test
    void anInterruptedWaitCancelsTheGeneration() {
        var interrupting = new SimulatorProvider(true, new Pacing(Duration.ofMillis(5), Duration.ZERO), duration -> {
            throw new InterruptedException("client went away");
        });
        assertThrows(java.util.concurrent.CancellationException.class,
                () -> interrupting.complete(ask("Hi"), CONTEXT));
        assertTrue(Thread.interrupted(), "the interrupt flag is restored (and cleared here)");
    }
}
