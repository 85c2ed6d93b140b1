package io.llmclient.application.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.llmclient.application.resilience.RetryDecision.GiveUp;
import io.llmclient.application.resilience.RetryDecision.Retry;
import io.llmclient.domain.chat.ProviderId;
import io.llmclient.domain.failure.FieldError;
import io.llmclient.domain.failure.LlmFailure;
import io.llmclient.domain.failure.LlmFailure.InvalidParams;
import io.llmclient.domain.failure.LlmFailure.ModelNotAllowed;
import io.llmclient.domain.failure.LlmFailure.Overloaded;
import io.llmclient.domain.failure.LlmFailure.ProviderFailed;
import io.llmclient.domain.failure.LlmFailure.ProviderTimedOut;
import io.llmclient.domain.failure.LlmFailure.ProviderUnavailable;
import io.llmclient.domain.failure.LlmFailure.RateLimited;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final ProviderId P = ProviderId.ANTHROPIC;
    /** The contract's defaults: 3 transient retries, 5 rate-limit retries, 1 s initial, base 2, cap 32 s. */
    private static final ResilienceSettings DEFAULTS = new ResilienceSettings(3, 5, Duration.ofSeconds(1), 2.0,
            Duration.ofSeconds(32), 100, 5, Duration.ofSeconds(30));

    private static RetryPolicy withRandom(double value) {
        return new RetryPolicy(DEFAULTS, () -> value);
    }

    private static ProviderFailed status(int code) {
        return new ProviderFailed(P, OptionalInt.of(code), "failed");
    }

    private static Duration seconds(double value) {
        return Duration.ofNanos(Math.round(value * 1e9));
    }

    @Test
    void backOffDoublesFromTheInitialDelayWithEqualJitterAtItsLowestDraw() {
        var policy = withRandom(0.0);
        assertEquals(List.of(seconds(0.5), seconds(1), seconds(2), seconds(4)),
                List.of(policy.backoff(0), policy.backoff(1), policy.backoff(2), policy.backoff(3)));
    }

    @Test
    void equalJitterDrawsBetweenHalfAndTheWholeDelay() {
        assertEquals(seconds(3), withRandom(0.5).backoff(2));
        assertEquals(seconds(3.9), withRandom(0.95).backoff(2));
    }

    @Test
    void backOffNeverExceedsTheMaximumDelay() {
        assertEquals(seconds(24), withRandom(0.5).backoff(10));
        assertEquals(seconds(16), withRandom(0.0).backoff(60));
    }

    @Test
    void aRetryAfterHintWithinTheCapIsWaitedExactlyWithoutJitter() {
        var decision = withRandom(0.9).decide(new RateLimited(P, Optional.of(Duration.ofMillis(1500))), 0, 0);
        assertEquals(new Retry(Duration.ofMillis(1500), "rate_limit", true), decision);
    }

    @Test
    void aRetryAfterHintAboveTheCapIsReturnedAtOnceWithItsHint() {
        var limited = new RateLimited(P, Optional.of(Duration.ofSeconds(33)));
        assertEquals(new GiveUp(limited), withRandom(0.5).decide(limited, 0, 0));
    }

    @Test
    void aRateLimitWithoutHintBacksOff() {
        var decision = withRandom(0.0).decide(new RateLimited(P, Optional.empty()), 0, 1);
        assertEquals(new Retry(seconds(1), "rate_limit", true), decision);
    }

    @Test
    void rateLimitsStopAfterTheirOwnRetryBudget() {
        var limited = new RateLimited(P, Optional.of(Duration.ofSeconds(1)));
        assertEquals(new Retry(Duration.ofSeconds(1), "rate_limit", true), withRandom(0).decide(limited, 3, 4));
        assertEquals(new GiveUp(limited), withRandom(0).decide(limited, 0, 5));
    }

    @Test
    void transientFailuresStopAfterMaxRetriesWhateverTheRateLimitBudget() {
        assertEquals(new Retry(seconds(2), "server_error", false), withRandom(0).decide(status(503), 2, 0));
        assertEquals(new GiveUp(status(503)), withRandom(0).decide(status(503), 3, 0));
    }

    @Test
    void eachTransientKindIsRetriedUnderItsOwnReason() {
        var policy = withRandom(0);
        assertEquals("connection", reason(policy.decide(new ProviderFailed(P, OptionalInt.empty(), "reset"), 0, 0)));
        assertEquals("timeout", reason(policy.decide(new ProviderTimedOut(P, Duration.ofSeconds(60)), 0, 0)));
        assertEquals("request_timeout", reason(policy.decide(status(408), 0, 0)));
        assertEquals("conflict", reason(policy.decide(status(409), 0, 0)));
        assertEquals("server_error", reason(policy.decide(status(500), 0, 0)));
        assertEquals("overloaded", reason(policy.decide(status(529), 0, 0)));
        assertEquals("other", reason(policy.decide(new ProviderFailed(P, OptionalInt.of(400), "x-should-retry", true),
                0, 0)));
    }

    @Test
    void refusalsOfTheRequestAreNeverRetried() {
        var insufficientQuota = new ProviderFailed(P, OptionalInt.of(429), "insufficient_quota", false);
        List<LlmFailure> never = List.of(status(400), status(401), status(403), status(404), insufficientQuota,
                new InvalidParams(List.of(new FieldError("messages", "empty"))),
                new ModelNotAllowed("x", List.of()), ProviderUnavailable.forModel("m", P, "no key"),
                new Overloaded(P, 100));
        for (LlmFailure failure : never) {
            assertEquals(new GiveUp(failure), withRandom(0).decide(failure, 0, 0), failure.toString());
        }
    }

    @Test
    void settingsOutsideTheirRulesAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new ResilienceSettings(-1, 0, Duration.ZERO, 2, Duration.ZERO,
                0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ResilienceSettings(0, 0, Duration.ofSeconds(-1), 2,
                Duration.ZERO, 0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ResilienceSettings(0, 0, Duration.ZERO, 0.5,
                Duration.ZERO, 0, 1, Duration.ofSeconds(1)));
        assertThrows(IllegalArgumentException.class, () -> new ResilienceSettings(0, 0, Duration.ZERO, 2,
                Duration.ZERO, 0, 0, Duration.ofSeconds(1)));
    }

    private static String reason(RetryDecision decision) {
        return ((Retry) decision).reason();
    }
}
