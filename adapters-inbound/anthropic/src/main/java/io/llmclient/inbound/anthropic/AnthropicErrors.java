package io.llmclient.inbound.anthropic;

import io.helidon.http.Status;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
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
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The one place where a domain failure becomes an Anthropic-shaped error with its HTTP status
 * (contract sections 12 and 14). The switch has no default, so a new failure kind does not compile
 * until it is mapped here.
 *
 * <table>
 *   <caption>Failures on the Anthropic-compatible surface</caption>
 *   <tr><th>failure</th><th>status</th><th>type</th></tr>
 *   <tr><td>InvalidParams</td><td>400</td><td>invalid_request_error</td></tr>
 *   <tr><td>ModelNotAllowed</td><td>403</td><td>permission_error</td></tr>
 *   <tr><td>RateLimited, QuotaExceeded</td><td>429 + retry-after</td><td>rate_limit_error</td></tr>
 *   <tr><td>BudgetExceeded</td><td>429 + x-should-retry: false</td><td>rate_limit_error</td></tr>
 *   <tr><td>ProviderFailed</td><td>502</td><td>api_error</td></tr>
 *   <tr><td>ProviderUnavailable, StateUnavailable</td><td>503</td><td>api_error</td></tr>
 *   <tr><td>ProviderTimedOut</td><td>504</td><td>api_error</td></tr>
 *   <tr><td>Overloaded (queue or response buffer full)</td><td>529</td><td>overloaded_error</td></tr>
 * </table>
 */
final class AnthropicErrors {
    static final String INVALID_REQUEST = "invalid_request_error";
    static final String API_ERROR = "api_error";
    static final String OVERLOADED = "overloaded_error";
    /** Anthropic's own status for an overloaded service; Helidon has no constant for it. */
    static final Status OVERLOADED_529 = Status.create(529, "Overloaded");

    private AnthropicErrors() {
    }

    static AnthropicError of(LlmFailure failure) {
        return switch (failure) {
            case InvalidParams invalid -> invalid(invalid.errors());
            case ModelNotAllowed refused -> new AnthropicError(Status.FORBIDDEN_403, "permission_error",
                    refused.message());
            case RateLimited limited -> new AnthropicError(Status.TOO_MANY_REQUESTS_429, "rate_limit_error",
                    limited.message(), limited.retryAfter(), true);
            case QuotaExceeded quota -> new AnthropicError(Status.TOO_MANY_REQUESTS_429, "rate_limit_error",
                    quota.message(), quota.retryAfter(), true);
            // Retrying cannot help until the period resets: the SDKs are told not to.
            case BudgetExceeded budget -> new AnthropicError(Status.TOO_MANY_REQUESTS_429, "rate_limit_error",
                    budget.message(), Optional.empty(), false);
            case ProviderFailed failed -> new AnthropicError(Status.BAD_GATEWAY_502, API_ERROR, failed.message());
            case ProviderUnavailable unavailable -> new AnthropicError(Status.SERVICE_UNAVAILABLE_503, API_ERROR,
                    unavailable.message());
            case ProviderTimedOut timedOut -> new AnthropicError(Status.GATEWAY_TIMEOUT_504, API_ERROR,
                    timedOut.message());
            case Overloaded overloaded -> new AnthropicError(OVERLOADED_529, OVERLOADED, overloaded.message());
            // -32009: another replica may reach the shared state; the SDKs retry a 503.
            case StateUnavailable unavailable -> new AnthropicError(Status.SERVICE_UNAVAILABLE_503, API_ERROR,
                    unavailable.message());
        };
    }

    /** Every broken field in one message, each as {@code field: message}, as Anthropic names them. */
    static AnthropicError invalid(List<FieldError> errors) {
        return new AnthropicError(Status.BAD_REQUEST_400, INVALID_REQUEST, errors.stream()
                .map(error -> error.field() + ": " + error.message()).collect(Collectors.joining("; ")));
    }

    static AnthropicError invalidJson(String reason) {
        return new AnthropicError(Status.BAD_REQUEST_400, INVALID_REQUEST,
                "The request body is not valid JSON: " + reason);
    }

    static AnthropicError notAnObject() {
        return new AnthropicError(Status.BAD_REQUEST_400, INVALID_REQUEST, "The request body must be a JSON object");
    }

    static AnthropicError endedWithError() {
        return new AnthropicError(Status.BAD_GATEWAY_502, API_ERROR, "The provider ended the generation with an error");
    }

    static AnthropicError draining() {
        return new AnthropicError(Status.SERVICE_UNAVAILABLE_503, API_ERROR,
                "The service is shutting down; retry on another replica");
    }

    /** A bug. The message is fixed: nothing from the exception may reach the caller. */
    static AnthropicError internal() {
        return new AnthropicError(Status.INTERNAL_SERVER_ERROR_500, API_ERROR,
                "Internal error; the request-id identifies it in the service log");
    }
}
