package io.llmclient.jsonrpc.method;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.llmclient.application.governance.QuotaReport;
import io.llmclient.application.governance.Standing;
import io.llmclient.domain.governance.AllowList;
import io.llmclient.domain.money.BudgetPeriod;
import io.llmclient.domain.money.NanoUsd;
import io.llmclient.domain.governance.Principal;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The {@code llm.quota} result: every configured member, nothing else, never {@code null}. */
class QuotaResultTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyConfiguredMemberIsShownWithExactMoneyAndMillisecondResets() throws Exception {
        var principal = new Principal("planner-prod", Optional.of("research"), Optional.empty(),
                new AllowList(List.of("sim-fast", "gpt-4.1-mini")), List.of());
        var report = new QuotaReport(principal,
                Optional.of(new Standing.Window(60, 57, Duration.ofMillis(59_873).plusNanos(200_000))),
                Optional.of(new Standing.Window(100_000, 100_000, Duration.ZERO)),
                Optional.of(new Standing.InFlight(4, 1)),
                Optional.of(new Standing.Spend(new NanoUsd(5_000_000_000L), new NanoUsd(144_000), BudgetPeriod.DAILY,
                        Optional.of(Instant.parse("2026-12-07T00:00:00Z")))),
                Optional.of(new Standing.Spend(new NanoUsd(100_000_000_000L), new NanoUsd(1_250_000_000L),
                        BudgetPeriod.TOTAL, Optional.empty())));

        assertEquals(JSON.readTree("""
                {"principal":"planner-prod","team":"research","models":["sim-fast","gpt-4.1-mini"],
                 "limits":{"rpm":{"limit":60,"remaining":57,"reset_seconds":59.874},
                           "tpm":{"limit":100000,"remaining":100000,"reset_seconds":0},
                           "max_parallel":{"limit":4,"in_use":1}},
                 "budget":{"usd":5,"spent_usd":0.000144,"period":"daily","resets_at":"2026-12-07T00:00:00Z"},
                 "team_budget":{"usd":100,"spent_usd":1.25,"period":"total"}}"""),
                JSON.readTree(JSON.writeValueAsString(QuotaResult.of(report, JsonNodeFactory.instance))));
    }

    @Test
    void anUnlimitedCallerGetsOnlyItsNameAndModels() throws Exception {
        var report = new QuotaReport(Principal.unlimited("anonymous", new AllowList(List.of("sim-fast"))),
                Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());
        assertEquals("{\"principal\":\"anonymous\",\"models\":[\"sim-fast\"],\"limits\":{}}",
                JSON.writeValueAsString(QuotaResult.of(report, JsonNodeFactory.instance)));
    }
}
