package io.llmclient.provider.support.retry;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Reads the wait a rate-limited (or overloaded) answer asks for from its headers, the way the
 * official OpenAI and Anthropic SDKs do: {@code retry-after-ms} (milliseconds, fractions allowed)
 * first, else {@code retry-after} as seconds (fractions allowed), else {@code retry-after} as an
 * HTTP-date. Missing, zero, negative, non-numeric, non-finite, unrepresentable or past values
 * give no hint (the caller then backs off on its own). Unlike the SDKs it applies no upper cap:
 * the wait is reported as the server gave it, and the application's {@code LLM_RETRY_MAX_DELAY}
 * decides whether to wait. Message text is never read (contract: wait hints come from headers).
 */
public final class RetryAfter {
    // Plain decimals only: Double.parseDouble would also take "Infinity", "0x1p3" and "20d".
    private static final Pattern DECIMAL = Pattern.compile("\\d+(\\.\\d+)?");
    // RFC 9110's IMF-fixdate (what servers must send), with a four-digit year; RFC_1123_DATE_TIME
    // alone would accept a year such as 100000.
    private static final Pattern HTTP_DATE =
            Pattern.compile("[A-Z][a-z]{2}, \\d{1,2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    private static final BigDecimal NANOS_PER_SECOND = BigDecimal.valueOf(1_000_000_000L);
    private static final BigDecimal NANOS_PER_MILLI = BigDecimal.valueOf(1_000_000L);
    // Duration.ofNanos takes a long: about 292 years, far beyond any wait worth honouring.
    private static final BigDecimal MAX_NANOS = BigDecimal.valueOf(Long.MAX_VALUE);

    private RetryAfter() {
    }

    /** The wait from the two headers' values, measured from {@code now} for an HTTP-date. */
    public static Optional<Duration> parse(Optional<String> retryAfterMs, Optional<String> retryAfter, Instant now) {
        Optional<Duration> fromMillis = retryAfterMs.flatMap(value -> decimal(value, NANOS_PER_MILLI));
        if (fromMillis.isPresent()) {
            return fromMillis;
        }
        return retryAfter.flatMap(value -> decimal(value, NANOS_PER_SECOND).or(() -> httpDate(value, now)));
    }

    private static Optional<Duration> decimal(String value, BigDecimal nanosPerUnit) {
        String trimmed = value.strip();
        if (!DECIMAL.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        BigDecimal nanos = new BigDecimal(trimmed).multiply(nanosPerUnit);
        if (nanos.signum() <= 0 || nanos.compareTo(MAX_NANOS) > 0) {
            return Optional.empty();
        }
        return Optional.of(Duration.ofNanos(nanos.longValue()));
    }

    private static Optional<Duration> httpDate(String value, Instant now) {
        String trimmed = value.strip();
        if (!HTTP_DATE.matcher(trimmed).matches()) {
            return Optional.empty();
        }
        try {
            Instant at = ZonedDateTime.parse(trimmed, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            Duration wait = Duration.between(now, at);
            return wait.isNegative() || wait.isZero() ? Optional.empty() : Optional.of(wait);
        } catch (DateTimeParseException malformed) {
            return Optional.empty();
        }
    }
}
