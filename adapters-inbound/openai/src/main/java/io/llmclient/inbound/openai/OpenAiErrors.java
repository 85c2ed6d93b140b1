package io.llmclient.inbound.openai;

import io.helidon.http.Status;
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
import io.llmclient.inbound.support.refusal.Refusal;
import java.util.Optional;

/**
 * The one place where a domain failure becomes an OpenAI-shaped error with its HTTP status
 * (contract sections 5 and 9). The switch has no default, so a new failure kind does not compile
 * until it is mapped here.
 *
 * <table>
 *   <caption>Failures on the OpenAI-compatible surface</caption>
 *   <tr><th>failure</th><th>status</th><th>type</th><th>code</th><th>param</th></tr>
 *   <tr><td>InvalidParams</td><td>400</td><td>invalid_request_error</td><td>invalid_value</td><td>first broken field</td></tr>
 *   <tr><td>ModelNotAllowed</td><td>403</td><td>invalid_request_error</td><td>model_not_allowed</td><td>model</td></tr>
 *   <tr><td>RateLimited</td><td>429 + Retry-After</td><td>rate_limit_error</td><td>rate_limit_exceeded</td><td>null</td></tr>
 *   <tr><td>ProviderFailed</td><td>502</td><td>server_error</td><td>provider_error</td><td>null</td></tr>
 *   <tr><td>ProviderUnavailable</td><td>503</td><td>server_error</td><td>provider_unavailable</td><td>model</td></tr>
 *   <tr><td>Overloaded, queue</td><td>429</td><td>rate_limit_error</td><td>overloaded</td><td>null</td></tr>
 *   <tr><td>Overloaded, budget</td><td>503</td><td>server_error</td><td>overloaded</td><td>null</td></tr>
 *   <tr><td>QuotaExceeded</td><td>429 + Retry-After</td><td>rate_limit_error</td><td>rate_limit_exceeded</td><td>null</td></tr>
 *   <tr><td>BudgetExceeded</td><td>429 + x-should-retry: false</td><td>insufficient_quota</td><td>insufficient_quota</td><td>null</td></tr>
 *   <tr><td>StateUnavailable</td><td>503</td><td>server_error</td><td>state_unavailable</td><td>null</td></tr>
 *   <tr><td>ProviderTimedOut</td><td>504</td><td>server_error</td><td>provider_timeout</td><td>null</td></tr>
 * </table>
 * The surface's own errors: 400 {@code invalid_json} and {@code malformed_body}, 404 {@code unknown_url} and
 * {@code model_not_found}, 413 {@code request_too_large}, 500 {@code internal_error}, 503
 * {@code overloaded} (too many requests in flight, see {@code InFlightLimitFilter}).
 */
public final class OpenAiErrors {
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String SERVER_ERROR = "server_error";

    private OpenAiErrors() {
    }

    /** The OpenAI error for a failure. */
    public static OpenAiError of(LlmFailure failure) {
        return switch (failure) {
            case InvalidParams invalid -> new OpenAiError(Status.BAD_REQUEST_400, invalid.message(), INVALID_REQUEST,
                    invalid.errors().stream().findFirst().map(FieldError::field), "invalid_value", Optional.empty());
            case ModelNotAllowed refused -> new OpenAiError(Status.FORBIDDEN_403, refused.message(), INVALID_REQUEST,
                    Optional.of("model"), "model_not_allowed", Optional.empty());
            case RateLimited limited -> new OpenAiError(Status.TOO_MANY_REQUESTS_429, limited.message(),
                    "rate_limit_error", Optional.empty(), "rate_limit_exceeded", limited.retryAfter());
            case ProviderFailed failed -> new OpenAiError(Status.BAD_GATEWAY_502, failed.message(), SERVER_ERROR,
                    Optional.empty(), "provider_error", Optional.empty());
            case ProviderUnavailable unavailable -> new OpenAiError(Status.SERVICE_UNAVAILABLE_503,
                    unavailable.message(), SERVER_ERROR, unavailable.model().map(model -> "model"),
                    "provider_unavailable", Optional.empty());
            case Overloaded overloaded -> switch (overloaded.limit()) {
                // 429 (docs/streaming-and-openai.md): clients (the official SDKs among them) back off and
                // retry on 429.
                case Overloaded.RateLimitQueue _ -> new OpenAiError(Status.TOO_MANY_REQUESTS_429,
                        overloaded.message(), "rate_limit_error", Optional.empty(), "overloaded", Optional.empty());
                // The service's own memory is full, not the provider's limit: 503, as for too many
                // requests in flight (InFlightLimitFilter); the SDKs retry it too.
                case Overloaded.ResponseBuffer _ -> overloaded(overloaded.message());
            };
            case ProviderTimedOut timedOut -> new OpenAiError(Status.GATEWAY_TIMEOUT_504, timedOut.message(),
                    SERVER_ERROR, Optional.empty(), "provider_timeout", Optional.empty());
            case QuotaExceeded quota -> new OpenAiError(Status.TOO_MANY_REQUESTS_429, quota.message(),
                    "rate_limit_error", Optional.empty(), "rate_limit_exceeded", quota.retryAfter());
            // As OpenAI answers a spent account: retrying cannot help until the period resets.
            case BudgetExceeded budget -> new OpenAiError(Status.TOO_MANY_REQUESTS_429, budget.message(),
                    "insufficient_quota", Optional.empty(), "insufficient_quota", Optional.empty(), false);
            // Another replica may reach the state: 503 lets the SDKs retry (contract section 11).
            case StateUnavailable unavailable -> new OpenAiError(Status.SERVICE_UNAVAILABLE_503,
                    unavailable.message(), SERVER_ERROR, Optional.empty(), "state_unavailable", Optional.empty());
        };
    }

    /** The caller presented no inbound API key, or an unknown one. */
    public static OpenAiError invalidApiKey(String message) {
        return new OpenAiError(Status.UNAUTHORIZED_401, message, INVALID_REQUEST, Optional.empty(), "invalid_api_key",
                Optional.empty());
    }

    /** The service is draining (SIGTERM): 503, so that the client retries on another replica. */
    public static OpenAiError draining() {
        return OpenAiRefusals.error(new Refusal.Draining());
    }

    /** The service is at its limit of requests in flight: 503, as OpenAI answers when it is overloaded. */
    public static OpenAiError overloaded(String message) {
        return new OpenAiError(Status.SERVICE_UNAVAILABLE_503, message, SERVER_ERROR, Optional.empty(), "overloaded",
                Optional.empty());
    }

    /** The body is not JSON, or not a JSON object. */
    static OpenAiError invalidJson(String reason) {
        return new OpenAiError(Status.BAD_REQUEST_400, "We could not parse the JSON body of your request: " + reason,
                INVALID_REQUEST, Optional.empty(), "invalid_json", Optional.empty());
    }

    /** The body is over the inbound limit. */
    public static OpenAiError tooLarge(long limit) {
        return new OpenAiError(Status.REQUEST_ENTITY_TOO_LARGE_413,
                "Request body is larger than the limit of " + limit + " bytes", INVALID_REQUEST, Optional.empty(),
                "request_too_large", Optional.empty());
    }

    /** The body's chunked transfer coding is malformed, so the body cannot be read. */
    public static OpenAiError malformedBody() {
        return new OpenAiError(Status.BAD_REQUEST_400, "The request body's chunked encoding is malformed",
                INVALID_REQUEST, Optional.empty(), "malformed_body", Optional.empty());
    }

    /** No such route under {@code /v1}. */
    static OpenAiError unknownUrl(String method, String path) {
        String shown = path.length() > 128 ? path.substring(0, 128) + "..." : path;
        return new OpenAiError(Status.NOT_FOUND_404, "Unknown request URL: " + method + " " + shown,
                INVALID_REQUEST, Optional.empty(), "unknown_url", Optional.empty());
    }

    /** A model that is not an allowed model of this service. */
    static OpenAiError modelNotFound(String model) {
        String shown = model.length() > 64 ? model.substring(0, 64) + "..." : model;
        return new OpenAiError(Status.NOT_FOUND_404, "The model '" + shown + "' does not exist or is not allowed",
                INVALID_REQUEST, Optional.of("model"), "model_not_found", Optional.empty());
    }

    /** The provider ended the generation with an error instead of an answer. */
    static OpenAiError endedWithError() {
        return new OpenAiError(Status.BAD_GATEWAY_502, "The provider ended the generation with an error",
                SERVER_ERROR, Optional.empty(), "provider_error", Optional.empty());
    }

    /** A bug. The message is fixed: nothing from the exception may reach the caller. */
    static OpenAiError internal() {
        return new OpenAiError(Status.INTERNAL_SERVER_ERROR_500,
                "Internal error; the X-Trace-Id identifies it in the service log", SERVER_ERROR, Optional.empty(),
                "internal_error", Optional.empty());
    }
}
