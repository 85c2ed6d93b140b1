package io.llmclient.provider.anthropic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-02-25T20:02:30Z");

    private static Optional<Duration> parse(String ms, String seconds) {
        return RetryAfter.parse(Optional.ofNullable(ms), Optional.ofNullable(seconds), NOW);
    }

    @Test
    void retryAfterInSecondsIsTheWait() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), parse(null, "7"));
    }

    @Test
    void fractionalSecondsAreKept() {
        assertEquals(Optional.of(Duration.ofMillis(1500)), parse(null, "1.5"));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        assertEquals(Optional.of(Duration.ofMillis(250)), parse("250", "7"));
    }

    @Test
    void anUnreadableRetryAfterMsFallsBackToRetryAfter() {
        assertEquals(Optional.of(Duration.ofSeconds(7)), parse("soon", "7"));
    }

    @Test
    void anHttpDateIsMeasuredFromNow() {
        assertEquals(Optional.of(Duration.ofSeconds(30)), parse(null, "Wed, 25 Feb 2026 20:03:00 GMT"));
    }

    @Test
    void anHttpDateInThePastGivesNoWait() {
        assertEquals(Optional.empty(), parse(null, "Wed, 25 Feb 2026 20:00:00 GMT"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-3", "Infinity", "NaN", "0x1p3", "20d", "", "soon", "Wed, 25 Feb 100000 20:03:00 GMT"})
    void unusableValuesGiveNoWait(String value) {
        assertEquals(Optional.empty(), parse(null, value));
    }

    @Test
    void noHeadersGiveNoWait() {
        assertEquals(Optional.empty(), parse(null, null));
    }
}
