package io.llmclient.jsonrpc.method;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.llmclient.application.governance.QuotaReport;
import io.llmclient.application.governance.Standing;
import io.llmclient.inbound.support.body.JsonMoney;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeFormatter;

/**
 * The {@code llm.quota} result (contract section 10): the caller's own view of its limits and
 * budgets. A member whose limit is not configured is omitted, never {@code null} (section 14).
 * {@code reset_seconds} is the time until the rolling window is whole again, in seconds with
 * millisecond precision (e.g. {@code 59.874}; {@code 0} when the window is empty).
 */
public final class QuotaResult {
    private QuotaResult() {
    }

    /** The result for {@code report}. */
    public static ObjectNode of(QuotaReport report, JsonNodeFactory nodes) {
        ObjectNode result = nodes.objectNode();
        result.put("principal", report.principal().id());
        report.principal().team().ifPresent(team -> result.put("team", team));
        ArrayNode models = result.putArray("models");
        report.principal().allowed().models().forEach(models::add);
        ObjectNode limits = result.putObject("limits");
        report.requests().ifPresent(window -> window(limits.putObject("rpm"), window));
        report.tokens().ifPresent(window -> window(limits.putObject("tpm"), window));
        report.parallel().ifPresent(inFlight -> {
            ObjectNode parallel = limits.putObject("max_parallel");
            parallel.put("limit", inFlight.limit());
            parallel.put("in_use", inFlight.inUse());
        });
        report.budget().ifPresent(spend -> budget(result.putObject("budget"), spend));
        report.teamBudget().ifPresent(spend -> budget(result.putObject("team_budget"), spend));
        return result;
    }

    private static void window(ObjectNode node, Standing.Window window) {
        node.put("limit", window.limit());
        node.put("remaining", window.remaining());
        node.put("reset_seconds", seconds(window.resetAfter()));
    }

    private static void budget(ObjectNode node, Standing.Spend spend) {
        node.set("usd", JsonMoney.of(spend.limit()));
        node.set("spent_usd", JsonMoney.of(spend.spent()));
        node.put("period", spend.period().wireName());
        spend.resetsAt().ifPresent(at -> node.put("resets_at", DateTimeFormatter.ISO_INSTANT.format(at)));
    }

    /** Whole milliseconds, rounded up so a caller waiting that long finds the window freed. */
    static BigDecimal seconds(Duration duration) {
        long millis = duration.isNegative() ? 0 : duration.plusNanos(999_999).toMillis();
        return BigDecimal.valueOf(millis, 3).stripTrailingZeros();
    }
}
