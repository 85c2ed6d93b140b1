package io.llmclient.provider.support.http;

import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailureException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;

/**
 * Names a failure below HTTP, as OpenAI and Anthropic classify it: the caller went away
 * (interrupted thread: {@link CancellationException}), a timeout ({@code ProviderTimedOut} with
 * the connect or the request timeout, whichever ran out), or a connection refused, reset or
 * closed early ({@code ProviderFailed} without status, transient). An answer cut off at
 * {@link ResponseLimit} is a permanent {@code ProviderFailed} with its status; one that did not fit
 * in the shared budget is {@code Overloaded}.
 */
public final class TransportFailure {
    private TransportFailure() {
    }

    /** The exception to throw for {@code failure}, seen on the current thread; a failure already named passes as it is. */
    public static RuntimeException classify(ProviderId provider, Throwable failure, Duration connectTimeout,
                                            Duration requestTimeout) {
        if (failure instanceof LlmFailureException known) {
            return known;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ResponseLimit.Exceeded exceeded) {
                return ResponseLimit.failure(provider, exceeded);
            }
            if (cause instanceof ResponseLimit.OverBudget overBudget) {
                return ResponseLimit.failure(provider, overBudget);
            }
        }
        if (Thread.currentThread().isInterrupted()) {
            // Not the provider's fault: the caller went away and the socket was closed under us.
            CancellationException cancelled = new CancellationException("call cancelled by the caller");
            cancelled.initCause(failure);
            return cancelled;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException timeout) {
                // The JDK says "Connect timed out" for the connect phase.
                boolean connecting = String.valueOf(timeout.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
                return new LlmFailureException(new ProviderTimedOut(provider, connecting ? connectTimeout : requestTimeout),
                        failure);
            }
        }
        return new LlmFailureException(new ProviderFailed(provider, OptionalInt.empty(),
                "connection failed: " + rootCause(failure), true), failure);
    }

    /** {@code SimpleName: message} of the innermost cause, which says what the socket saw. */
    public static String rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }
}
