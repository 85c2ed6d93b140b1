package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import io.llmclient.domain.failure.LlmFailureException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TransportFailureTest {
    private static final Duration CONNECT = Duration.ofSeconds(10);
    private static final Duration REQUEST = Duration.ofSeconds(60);

    private static RuntimeException classify(Throwable failure) {
        return TransportFailure.classify(ProviderId.OPENAI, failure, CONNECT, REQUEST);
    }

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    @Test
    void aReadTimeoutIsTheRequestTimeout() {
        var failure = classify(new UncheckedIOException(new SocketTimeoutException("Read timed out")));
        assertEquals(new ProviderTimedOut(ProviderId.OPENAI, REQUEST), ((LlmFailureException) failure).failure());
    }

    @Test
    void aConnectTimeoutIsTheConnectTimeout() {
        var failure = classify(new UncheckedIOException(new SocketTimeoutException("Connect timed out")));
        assertEquals(new ProviderTimedOut(ProviderId.OPENAI, CONNECT), ((LlmFailureException) failure).failure());
    }

    @Test
    void aRefusedConnectionIsATransientFailureWithoutStatusNamingTheRootCause() {
        var failure = classify(new IllegalStateException("wrapped", new ConnectException("Connection refused")));
        assertEquals(new ProviderFailed(ProviderId.OPENAI, OptionalInt.empty(),
                "connection failed: ConnectException: Connection refused", true), ((LlmFailureException) failure).failure());
    }

    @Test
    void aRootCauseWithoutMessageIsNamedByItsClass() {
        assertEquals("IllegalStateException", TransportFailure.rootCause(new IllegalStateException()));
    }

    @Test
    void anInterruptedCallerIsACancellationNotAProviderFailure() {
        Thread.currentThread().interrupt();
        var failure = classify(new UncheckedIOException(new SocketTimeoutException("Read timed out")));
        assertInstanceOf(CancellationException.class, failure);
    }

    @Test
    void aFailureAlreadyNamedPassesAsItIs() {
        var named = new LlmFailureException(new RateLimited(ProviderId.OPENAI, Optional.empty()));
        assertSame(named, classify(named));
    }
}
