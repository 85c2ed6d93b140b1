package io.llmclient.application.accounting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.governance.Governance;
import io.llmclient.application.governance.InProcessQuotaState;
import io.llmclient.application.registry.ProviderRegistry;
import io.llmclient.application.service.LlmService;
import io.llmclient.application.telemetry.RequestLog;
import io.llmclient.application.telemetry.RequestRecord;
import io.llmclient.application.telemetry.TimeSource;
import io.llmclient.application.testing.ChargeRecordingMetrics;
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
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.GovernancePolicyParser;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.stream.StreamEvent;
import io.llmclient.domain.validation.Validated;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/**
 * Contract section 10: "a failed or cancelled call is charged for the usage the provider
 * reported, if any". A stream's provider reports usage before its end through
 * {@code StreamSink.usage}; the call is charged for the last report when it ends early.
 */
class PartialUsageChargingTest {
    private static final ModelEntry MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    private static final A2aContext HEADERS = A2aContext.ofTrace("t-partial");
    // 1.00 USD per million input tokens, 2.00 per million output: 1,000 nano-dollars per input token.
    private static final Map<String, Object> PRICES = Map.of("prices",
            Map.of("gpt-4.1-mini", Map.of("input", "1.00", "output", "2.00")));

    private final FakeProvider openai = new FakeProvider(ProviderId.OPENAI);
    private final ChargeRecordingMetrics metrics = new ChargeRecordingMetrics();
    private final LlmService service;

    PartialUsageChargingTest() {
        var allowed = new AllowList(List.of("gpt-4.1-mini"));
        var policy = new ModelPolicy(new ModelCatalog(List.of(MINI)), allowed,
                Map.of(ModelTier.FAST, List.of("gpt-4.1-mini")), Map.of(), List.of(ProviderId.OPENAI),
                "gpt-4.1-mini");
        GovernancePolicy perCaller = ((Validated.Valid<GovernancePolicy>) GovernancePolicyParser.parse(PRICES,
                policy.catalog(), allowed, List.of())).value();
        RequestLog quiet = new RequestLog() {
            @Override
            public void selection(A2aContext context, String rationale) {
            }

            @Override
            public void completed(RequestRecord record) {
            }
        };
        service = LlmService.builder().policy(policy)
                .registry(new ProviderRegistry(List.of(openai.factory()), id -> null))
                .metrics(metrics).audit(violation -> { }).requestLog(quiet)
                .governance(port -> new Governance(perCaller, new InProcessQuotaState(), TimeSource.system(), port))
                .build();
    }

    private static Map<String, Object> params() {
        return Map.of("model", "gpt-4.1-mini", "messages", List.of(Map.of("role", "user", "content", "Hello")));
    }

    @Test
    void aStreamWhoseCallerLeavesIsChargedForTheUsageReportedBeforeIt() {
        openai.behaviour = (request, context, sink) -> {
            sink.usage(new Usage(1_000, 0));
            sink.accept(new StreamEvent.Delta("Hel"));
            sink.usage(new Usage(1_000, 4));
            sink.accept(new StreamEvent.Delta("lo"));
            throw new AssertionError("the sink should have thrown");
        };
        var gone = new IllegalStateException("client gone");
        var thrown = assertThrows(IllegalStateException.class,
                () -> service.stream(service.prepare(params(), HEADERS), event -> {
                    if (event instanceof StreamEvent.Delta delta && delta.text().equals("lo")) {
                        throw gone;
                    }
                }));
        assertSame(gone, thrown);
        // 1,000 input tokens at 1,000 nano-dollars and 4 output tokens at 2,000: the last report.
        assertEquals(List.of("gpt-4.1-mini anonymous 1008000"), metrics.charged);
    }

    @Test
    void aStreamThatFailsMidwayIsChargedForTheUsageReported() {
        openai.behaviour = (request, context, sink) -> {
            sink.usage(new Usage(500, 0));
            sink.accept(new StreamEvent.Delta("Hel"));
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(500), "boom"));
        };
        var events = new CopyOnWriteArrayList<StreamEvent>();
        service.stream(service.prepare(params(), HEADERS), events::add);
        assertEquals(StreamEvent.Failed.class, events.getLast().getClass());
        assertEquals(List.of("gpt-4.1-mini anonymous 500000"), metrics.charged);
    }

    @Test
    void aStreamThatReportedNothingIsChargedNothing() {
        openai.behaviour = (request, context, sink) -> {
            sink.accept(new StreamEvent.Delta("Hel"));
            throw new LlmFailureException(new ProviderFailed(ProviderId.OPENAI, OptionalInt.of(500), "boom"));
        };
        service.stream(service.prepare(params(), HEADERS), event -> { });
        assertEquals(List.of(), metrics.charged);
    }
}
