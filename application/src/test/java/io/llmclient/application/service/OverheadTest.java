package io.llmclient.application.service;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.provider.StreamSink;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.telemetry.MetricsPort;
import io.llmclient.application.testing.FakeProvider;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailureException;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.stream.StreamEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/** The gateway's own share of a request: time in the service minus time waiting on the provider. */
class OverheadTest {
    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final A2aContext HEADERS = A2aContext.ofTrace("t-overhead");

    private final FakeTime time = new FakeTime();
    private final Journal journal = new Journal();
    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI, journal::add);
    private final List<String> overheads = new ArrayList<>();
    private final LlmService service;

    OverheadTest() {
        var policy = new ModelPolicy(new ModelCatalog(List.of(MINI)), new AllowList(List.of("gpt-4.1-mini")),
                Map.of(ModelTier.FAST, List.of("gpt-4.1-mini")), Map.of(), List.of(ProviderId.OPENAI),
                "gpt-4.1-mini");
        var registry = new ProviderRegistry(List.of(openai.factory()), id -> null);
        service = LlmService.builder().policy(policy).registry(registry).metrics(new OverheadJournal()).audit(journal)
                .requestLog(journal).time(time).build();
    }

    private PreparedRequest preparedAfter(Duration beforePrepare, boolean stream) {
        var arrived = service.arrival();
        time.advance(beforePrepare);
        return service.prepare(Map.of("model", "gpt-4.1-mini", "stream", stream,
                "messages", List.of(Map.of("role", "user", "content", "Hello"))), HEADERS, arrived);
    }

    @Test
    void aCompletionsOverheadIsItsTimeInTheServiceMinusTheProviderCall() {
        var prepared = preparedAfter(Duration.ofMillis(3), false);
        openai.behaviour = (request, context, sink) -> {
            time.advance(Duration.ofMillis(400));
            return FakeProvider.response(context, "Hi!");
        };
        service.complete(prepared);
        time.advance(Duration.ofMillis(2));
        assertEquals(List.of("openai 3ms"), overheads);
        assertEquals(Duration.ofMillis(5), prepared.overhead());
    }

    @Test
    void aFailedCallStillRecordsItsOverhead() {
        var prepared = preparedAfter(Duration.ofMillis(1), false);
        openai.behaviour = (request, context, sink) -> {
            time.advance(Duration.ofMillis(50));
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(500), "boom"));
        };
        assertThrows(LlmFailureException.class, () -> service.complete(prepared));
        assertEquals(List.of("openai 1ms"), overheads);
    }

    @Test
    void aStreamsOverheadStopsAtItsFirstDeltaSoLaterProviderWaitsDoNotCount() {
        var prepared = preparedAfter(Duration.ofMillis(4), true);
        List<Duration> seenAtFirstByte = new ArrayList<>();
        openai.behaviour = (request, context, sink) -> {
            time.advance(Duration.ofMillis(100));
            sink.accept(new StreamEvent.Delta("Hel"));
            time.advance(Duration.ofMillis(300));
            sink.accept(new StreamEvent.Delta("lo"));
            sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hello")));
            return null;
        };
        service.stream(prepared, event -> {
            if (seenAtFirstByte.isEmpty()) {
                seenAtFirstByte.add(prepared.overhead());
            }
        });
        assertEquals(List.of(Duration.ofMillis(4)), seenAtFirstByte);
        assertEquals(List.of("openai 4ms"), overheads);
    }

    @Test
    void aStreamsOverheadStopsAtAnOpeningItsConsumerPassesOnButRunsOnToTheFirstDeltaOtherwise() {
        openai.behaviour = (request, context, sink) -> {
            time.advance(Duration.ofMillis(20));
            sink.opened();
            time.advance(Duration.ofMillis(30));
            sink.accept(new StreamEvent.Delta("Hel"));
            sink.accept(new StreamEvent.Completed(FakeProvider.response(context, "Hel")));
            return null;
        };
        var opening = preparedAfter(Duration.ofMillis(2), true);
        List<Duration> atOpening = new ArrayList<>();
        service.stream(opening, new StreamSink() {
            @Override
            public boolean opened() {
                atOpening.add(opening.overhead());
                return true;
            }

            @Override
            public void accept(StreamEvent event) {
                time.advance(Duration.ofMillis(1));
            }
        });
        assertEquals(List.of(Duration.ofMillis(2)), atOpening);

        var ignoring = preparedAfter(Duration.ofMillis(5), true);
        service.stream(ignoring, event -> { });
        assertEquals(List.of("openai 2ms", "openai 5ms"), overheads,
                "the provider's 20 + 30 ms never count, whichever event ends the wait");
    }

    private final class OverheadJournal implements MetricsPort {
        @Override
        public void started(ModelEntry model) {
        }

        @Override
        public void firstToken(ModelEntry model, Duration timeToFirstToken) {
        }

        @Override
        public void succeeded(ModelEntry model, Duration latency, Usage usage) {
        }

        @Override
        public void failed(ModelEntry model, Duration latency, String errorType) {
        }

        @Override
        public void governanceViolation(String attemptedModel, String sourceAgent) {
        }

        @Override
        public void overhead(ProviderId provider, Duration overhead) {
            overheads.add(provider.value() + " " + overhead.toMillis() + "ms");
        }
    }
}
