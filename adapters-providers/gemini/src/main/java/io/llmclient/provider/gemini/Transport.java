package io.llmclient.provider.gemini;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;

/** Classifies what the HTTP client throws: a timeout while waiting for bytes, or a connection failure. */
final class Transport {
    private Transport() {
    }

    static LlmFailure classify(Throwable thrown, Duration requestTimeout, Optional<ApiKey> key) {
        for (Throwable cause = thrown; cause != null; cause = cause.getCause()) {
            if (cause instanceof SocketTimeoutException timeout) {
                String message = String.valueOf(timeout.getMessage()).toLowerCase(Locale.ROOT);
                // The JDK says "Connect timed out" for the connect phase: no connection is a connection
                // failure (ProviderError without status), not a provider that is slow to answer.
                return message.contains("connect")
                        ? connectionFailed("connect timed out", key)
                        : new ProviderTimedOut(ProviderId.GEMINI, requestTimeout);
            }
        }
        return connectionFailed(describe(thrown), key);
    }

    private static LlmFailure connectionFailed(String what, Optional<ApiKey> key) {
        return new ProviderFailed(ProviderId.GEMINI, OptionalInt.empty(), GeminiErrors.redact(key, "connection failed: " + what));
    }

    private static String describe(Throwable thrown) {
        Throwable root = thrown;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = root.getMessage();
        return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
