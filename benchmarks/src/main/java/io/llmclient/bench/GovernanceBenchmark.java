package io.llmclient.bench;

import io.llmclient.application.governance.Admission;
import io.llmclient.application.governance.InProcessQuotaState;
import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.chat.Usage;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.governance.Authentication;
import io.llmclient.domain.governance.Caller;
import io.llmclient.domain.governance.GovernancePolicy;
import io.llmclient.domain.governance.GovernancePolicyParser;
import io.llmclient.domain.governance.Price;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.selection.ModelPolicy;
import io.llmclient.domain.selection.ModelSelector;
import io.llmclient.domain.selection.SelectionOutcome;
import io.llmclient.domain.validation.Validated;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;

/**
 * The per-request work of per-caller governance (issue 20, item 10): finding the caller by its
 * key, selecting from its effective allow-list, admitting and settling it against a key and a
 * team with rpm, tpm, max-parallel and a budget, and pricing its usage. The clock advances 1 ms per
 * request, so the rpm window holds the last 60,000 admissions: the steady state of a key at
 * 1,000 requests per second.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class GovernanceBenchmark {
    private static final String KEY = "llmk_test-canary-bench-governance-key";

    private final GovernancePolicy policy;
    private final Caller caller;
    private final ModelSelector selector;
    private final ChatRequest byTier;
    private final InProcessQuotaState state = new InProcessQuotaState();
    private final Price price;
    private final Usage usage = new Usage(1_200, 350, 1_024, 0);
    private long millis = Instant.parse("2026-12-06T00:00:00Z").toEpochMilli();

    public GovernanceBenchmark() {
        var mini = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
        var haiku = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC, ModelTier.FAST);
        var allowed = new AllowList(List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022"));
        var models = new ModelPolicy(new ModelCatalog(List.of(mini, haiku)), allowed,
                Map.of(ModelTier.FAST, List.of("gpt-4.1-mini", "claude-3-5-haiku-20241022")), Map.of(),
                List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC), "gpt-4.1-mini");
        Map<String, Object> llm = Map.of(
                "prices", Map.of(
                        "gpt-4.1-mini", Map.of("input", "0.40", "output", "1.60", "cached-input", "0.10"),
                        "claude-3-5-haiku-20241022", Map.of("input", "0.80", "output", "4.00")),
                "teams", List.of(Map.of("id", "research", "rpm", "10000000", "tpm", "2000000000",
                        "budget", Map.of("usd", "1000000", "period", "monthly"))),
                "keys", List.of(Map.of("id", "planner-prod", "sha256", GovernancePolicy.sha256(KEY),
                        "team", "research", "models", List.of("gpt-4.1-mini"), "rpm", "10000000",
                        "tpm", "2000000000", "max-parallel", "1000000",
                        "budget", Map.of("usd", "1000000", "period", "daily"))));
        policy = ((Validated.Valid<GovernancePolicy>) GovernancePolicyParser.parse(llm, models.catalog(), allowed,
                List.of())).value();
        caller = ((Authentication.Accepted) policy.authenticate(List.of(KEY), Instant.now())).caller();
        selector = new ModelSelector(models);
        byTier = new ChatRequest(Optional.empty(), List.of(new Message(Role.USER, "Hello!")), OptionalDouble.empty(),
                OptionalInt.empty(), false, Optional.of(ModelTier.FAST), Optional.empty(),
                A2aContext.ofTrace("bench-trace"));
        price = caller.prices().of("gpt-4.1-mini").orElseThrow();
    }

    /** SHA-256 of the presented key and the lookup of its principal. */
    @Benchmark
    public Authentication authenticate() {
        return policy.authenticate(List.of(KEY), Instant.EPOCH);
    }

    /** A tier resolved among the caller's effective models. */
    @Benchmark
    public SelectionOutcome selectFromEffectiveList() {
        return selector.select(byTier, caller.principal().allowed(), provider -> true);
    }

    /** One admission (every limit of key and team checked and counted) and its settlement. */
    @Benchmark
    public Admission admitAndSettle() {
        Instant now = Instant.ofEpochMilli(millis++);
        Admission admission = state.admit(caller.principal().parties(), now);
        state.settle(caller.principal().parties(), usage.totalTokens(), price.cost(usage), now);
        return admission;
    }

    /** The cost of one call's usage in whole nano-dollars. */
    @Benchmark
    public NanoUsd cost() {
        return price.cost(usage);
    }
}
