package io.llmclient.jsonrpc.protocol;

import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure.BudgetExceeded;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.QuotaExceeded;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailure.StateUnavailable;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.inbound.support.body.JsonMoney;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place where a domain failure becomes a JSON-RPC error (contract section 4): its
 * code, and the {@code data} members the contract names for it. The switch has no default, so
 * a new failure kind does not compile until it is mapped here.
 */
public final class FailureMapping {
    public static final int MODEL_NOT_ALLOWED = -32001;
    public static final int PROVIDER_ERROR = -32002;
    public static final int PROVIDER_TIMEOUT = -32003;
    public static final int RATE_LIMITED = -32004;
    public static final int PROVIDER_UNAVAILABLE = -32005;
    public static final int OVERLOADED = -32006;
    public static final int QUOTA_EXCEEDED = -32007;
    public static final int BUDGET_EXCEEDED = -32008;
    /** -32009: fail-closed shared state did not answer (contract section 11). */
    public static final int STATE_UNAVAILABLE = -32009;

    private FailureMapping() {
    }

    /** The JSON-RPC error for a failure. */
    public static JsonRpcError toError(LlmFailure failure) {
        var data = new LinkedHashMap<String, Object>();
        int code = switch (failure) {
            case InvalidParams invalid -> {
                data.put("errors", fieldErrors(invalid.errors()));
                yield JsonRpcError.INVALID_PARAMS;
            }
            case ModelNotAllowed refused -> {
                data.put("model", refused.model());
                data.put("allowed_models", refused.allowedModels());
                yield MODEL_NOT_ALLOWED;
            }
            case ProviderFailed failed -> {
                data.put("provider", failed.provider().value());
                failed.status().ifPresent(status -> data.put("status", status));
                data.put("provider_message", failed.providerMessage());
                yield PROVIDER_ERROR;
            }
            case ProviderTimedOut timedOut -> {
                data.put("provider", timedOut.provider().value());
                yield PROVIDER_TIMEOUT;
            }
            case RateLimited limited -> {
                data.put("provider", limited.provider().value());
                limited.retryAfter().ifPresent(wait -> data.put("retry_after_seconds", seconds(wait)));
                yield RATE_LIMITED;
            }
            case ProviderUnavailable unavailable -> {
                unavailable.provider().ifPresent(provider -> data.put("provider", provider.value()));
                unavailable.model().ifPresent(model -> data.put("model", model));
                unavailable.tier().ifPresent(tier -> data.put("tier", tier.wireName()));
                yield PROVIDER_UNAVAILABLE;
            }
            case Overloaded overloaded -> {
                data.put("provider", overloaded.provider().value());
                switch (overloaded.limit()) {
                    case Overloaded.RateLimitQueue queue -> data.put("queue_size", queue.size());
                    case Overloaded.ResponseBuffer buffer -> data.put("response_buffer_bytes", buffer.bytes());
                }
                yield OVERLOADED;
            }
            case QuotaExceeded quota -> {
                data.put("principal", quota.principal());
                data.put("limit", quota.limit().wireName());
                quota.retryAfter().ifPresent(wait -> data.put("retry_after_seconds", seconds(wait)));
                yield QUOTA_EXCEEDED;
            }
            case BudgetExceeded budget -> {
                data.put("principal", budget.principal());
                data.put("budget_usd", JsonMoney.of(budget.budget()));
                data.put("spent_usd", JsonMoney.of(budget.spent()));
                data.put("period", budget.period().wireName());
                // null, not absent, for a total budget: the contract names the member for every budget.
                data.put("resets_at", budget.resetsAt().map(Instant::toString).orElse(null));
                yield BUDGET_EXCEEDED;
            }
            case StateUnavailable unavailable -> {
                data.put("principal", unavailable.principal());
                yield STATE_UNAVAILABLE;
            }
        };
        return new JsonRpcError(code, failure.type(), failure.message(), data);
    }

    private static List<Map<String, String>> fieldErrors(List<FieldError> errors) {
        return errors.stream().map(error -> {
            var entry = new LinkedHashMap<String, String>();
            entry.put("field", error.field());
            entry.put("message", error.message());
            return (Map<String, String>) entry;
        }).toList();
    }

    // Whole seconds stay integers (the usual Retry-After); retry-after-ms may give a fraction.
    private static Number seconds(Duration wait) {
        long millis = wait.toMillis();
        return millis % 1000 == 0 ? (Number) (millis / 1000) : (Number) (millis / 1000.0);
    }
}
