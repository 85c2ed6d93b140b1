package io.llmclient.domain.selection;

import io.llmclient.domain.catalog.ModelCatalog;
import io.llmclient.domain.catalog.ModelEntry;
import io.llmclient.domain.chat.A2aContext;
import io.llmclient.domain.chat.ChatRequest;
import io.llmclient.domain.chat.Complexity;
import io.llmclient.domain.chat.Message;
import io.llmclient.domain.chat.ModelTier;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.chat.Role;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.testing.ChatRequests;
import java.util.List;
import java.util.Map;

/** A catalog shaped like the bundled configuration, and request builders, shared by selection tests. */
final class PolicyFixture {
    static final ModelEntry GPT_MINI = ModelEntry.of("gpt-4.1-mini", ProviderId.OPENAI, ModelTier.FAST);
    static final ModelEntry HAIKU = ModelEntry.of("claude-3-5-haiku-20241022", ProviderId.ANTHROPIC, ModelTier.FAST);
    static final ModelEntry FLASH = ModelEntry.of("gemini-1.5-flash", ProviderId.GEMINI, ModelTier.FAST);
    static final ModelEntry GPT5_MINI = ModelEntry.of("gpt-5-mini", ProviderId.OPENAI, ModelTier.BALANCED);
    static final ModelEntry SONNET = ModelEntry.of("claude-sonnet-4", ProviderId.ANTHROPIC, ModelTier.PREMIUM);
    static final ModelEntry SIM_FAST = ModelEntry.of("sim-fast", ProviderId.SIMULATOR, ModelTier.FAST);
    static final ModelEntry SIM_BALANCED = ModelEntry.of("sim-balanced", ProviderId.SIMULATOR, ModelTier.BALANCED);
    static final ModelEntry SIM_PREMIUM = ModelEntry.of("sim-premium", ProviderId.SIMULATOR, ModelTier.PREMIUM);

    static final ModelCatalog CATALOG = new ModelCatalog(List.of(GPT_MINI, HAIKU, FLASH, GPT5_MINI, SONNET,
            SIM_FAST, SIM_BALANCED, SIM_PREMIUM));

    // Gemini is listed first in its tier on purpose: provider preference, not tier order, decides.
    static final Map<ModelTier, List<String>> TIERS = Map.of(
            ModelTier.FAST, List.of("gemini-1.5-flash", "gpt-4.1-mini", "claude-3-5-haiku-20241022"),
            ModelTier.BALANCED, List.of("gpt-5-mini"),
            ModelTier.PREMIUM, List.of("claude-sonnet-4"));

    static final List<ProviderId> PREFERENCE = List.of(ProviderId.OPENAI, ProviderId.ANTHROPIC, ProviderId.GEMINI);

    static final List<String> ALLOWED = List.of("gpt-4.1-mini", "gpt-5-mini", "claude-3-5-haiku-20241022",
            "gemini-1.5-flash");

    private PolicyFixture() {
    }

    /** The bundled-like policy: premium has no allowed model, the simulator is off. */
    static ModelPolicy policy() {
        return new ModelPolicy(CATALOG, new AllowList(ALLOWED), TIERS, Map.of(), PREFERENCE, "gpt-4.1-mini");
    }

    static Message hello() {
        return new Message(Role.USER, "Hello");
    }

    static ChatRequest forModel(String model) {
        return ChatRequest.of(model, List.of(hello()), A2aContext.ofTrace("t"));
    }

    static ChatRequest forTier(ModelTier tier) {
        return ChatRequests.builder().message(hello()).tier(tier).traceId("t").build();
    }

    static ChatRequest forComplexity(Complexity complexity) {
        return ChatRequests.builder().message(hello()).complexity(complexity).traceId("t").build();
    }

    static ChatRequest forDefault() {
        return ChatRequests.builder().message(hello()).traceId("t").build();
    }
}
