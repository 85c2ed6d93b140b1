package io.llmclient.bootstrap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An invalid per-caller policy (contract section 10) stops start-up with one line per problem,
 * each naming the YAML path and the rule, all of them at once (prices in the order the
 * configuration tree gives them: by model id).
 */
class GovernancePolicyStartupTest {
    @TempDir
    Path dir;

    @Test
    void everyBrokenPathIsOneLineOfTheRefusal() throws IOException {
        Files.writeString(dir.resolve("policy.yaml"), """
                llm:
                  prices:
                    sim-fast: {input: -0.10, output: 0.40}
                    no-such-model: {input: 1, output: 1}
                  teams:
                    - id: research
                      rpm: .nan
                  keys:
                    - id: planner-prod
                      sha256: "abc"
                      team: research
                    - id: reviewer
                      sha256: "%s"
                      team: nobody
                      budget: {usd: 5, period: fortnightly}
                    - id: reviewer
                      sha256: "%s"
                      budget: {usd: 5, period: daily}
                """.formatted("a".repeat(64), "b".repeat(64)));
        var failure = assertThrows(StartupFailure.class, () -> LlmClientServer.start(
                Map.of("LLM_CONFIG_FILE", "policy.yaml"), dir).stop());
        assertEquals(List.of(
                "llm.prices.no-such-model: 'no-such-model' is not in the model catalog",
                "llm.prices.sim-fast.input: must be USD per million tokens, >= 0 and <= 1000000, with at most 9 "
                        + "decimal places",
                "llm.teams[0].rpm: must be a number",
                "llm.keys[0].sha256: must be 64 hex characters",
                "llm.keys[1].team: team 'nobody' is not configured in llm.teams",
                "llm.keys[1].budget.period: must be one of daily, weekly, monthly, total",
                "llm.keys[2].id: key 'reviewer' is configured twice",
                "llm.keys[2].budget: model 'gpt-4.1-mini' may be called under this budget but has no price in "
                        + "llm.prices"),
                failure.getMessage().lines().limit(8).toList());
    }

    @Test
    void modelIdsWithDotsAreReadWholeAsPriceKeys() throws IOException {
        // Helidon's configuration treats a dot in a key as a path separator unless it is escaped;
        // catalog ids such as gpt-4.1-mini must still name one price each.
        Files.writeString(dir.resolve("policy.yaml"), """
                ALLOWED_MODELS: gpt-4.1-mini,gpt-4.1,claude-3-5-haiku-20241022
                LLM_SIMULATOR_ENABLED: "false"
                llm:
                  prices:
                    gpt-4.1-mini: {input: 0.40, output: 1.60, cached-input: 0.10}
                    gpt-4.1: {input: 2.00, output: 8.00}
                    claude-3-5-haiku-20241022: {input: 0.80, output: 4.00}
                  keys:
                    - id: planner-prod
                      sha256: "%s"
                      budget: {usd: 5, period: daily}
                """.formatted("a".repeat(64)));
        LlmClientServer.start(Map.of("LLM_CONFIG_FILE", "policy.yaml", "SERVER_PORT", "0"), dir).stop();
    }
}
