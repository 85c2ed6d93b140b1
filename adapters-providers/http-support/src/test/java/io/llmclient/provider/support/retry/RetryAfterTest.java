package io.llmclient.provider.support.retry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RetryAfterTest {
    // The instant openai-python's tests freeze time.time() at (fixture retry-after-sdk-cases.json).
    private static final Instant NOW = Instant.ofEpochSecond(1696004797);
    // The cap the official python SDK applies; ours lives in the application (LLM_RETRY_MAX_DELAY).
    private static final Duration SDK_CAP = Duration.ofSeconds(120);

    private static Optional<Duration> retryAfter(String value) {
        return RetryAfter.parse(Optional.empty(), Optional.of(value), NOW);
    }

    @ParameterizedTest(name = "retry-after: \"{0}\" -> {1} ms")
    @CsvSource(delimiter = '|', nullValues = "none", value = {
            "20 | 20000",
            "1.5 | 1500",
            "121 | 121000",
            "Fri, 29 Sep 2023 16:26:57 GMT | 20000",
            "Fri, 29 Sep 2023 16:28:38 GMT | 121000",
            "0 | none",
            "-10 | none",
            "inf | none",
            "nan | none",
            "Infinity | none",
            "0x1p3 | none",
            "20d | none",
            "99999999999999999999999999999999999 | none",
            "Fri, 29 Sep 2023 16:26:27 GMT | none",
            "Zun, 29 Sep 2023 16:26:27 GMT | none",
            "Fri, 29 Sep 100000 16:26:57 GMT | none",
            "soon | none",
            "NaN | none",
            "Fri, 29 Sep 2023 16:26:37 GMT | none",
            "'' | none"})
    void retryAfterIsReadAsSecondsOrAsAnHttpDate(String header, Long expectedMillis) {
        assertEquals(Optional.ofNullable(expectedMillis).map(Duration::ofMillis), retryAfter(header));
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        assertEquals(Optional.of(Duration.ofMillis(1500)),
                RetryAfter.parse(Optional.of("1500"), Optional.of("20"), NOW));
    }

    @Test
    void fractionalMillisecondsAreKept() {
        assertEquals(Optional.of(Duration.ofNanos(2_500_000)), RetryAfter.parse(Optional.of("2.5"), Optional.empty(), NOW));
    }

    @Test
    void aMalformedRetryAfterMsFallsBackToRetryAfter() {
        assertEquals(Optional.of(Duration.ofSeconds(20)), RetryAfter.parse(Optional.of("soon"), Optional.of("20"), NOW));
    }

    @Test
    void aZeroRetryAfterMsFallsBackToRetryAfter() {
        assertEquals(Optional.of(Duration.ofSeconds(20)), RetryAfter.parse(Optional.of("0"), Optional.of("20"), NOW));
    }

    @Test
    void noHeadersGiveNoHint() {
        assertEquals(Optional.empty(), RetryAfter.parse(Optional.empty(), Optional.empty(), NOW));
    }

    /**
     * Every case of the official SDK's test where the SDK used the server's wait (its result is
     * not its own backoff) gives the same wait here.
     */
    @Test
    void everyServerWaitTheSdkHonoursIsReadTheSame() throws IOException {
        JsonNode fixture = new ObjectMapper().readTree(sdkCases());
        int maxRetries = fixture.get("max_retries").asInt();
        int checked = 0;
        for (JsonNode testCase : fixture.get("retry_timeout_cases")) {
            double expected = testCase.get("expected_seconds").asDouble();
            int retriesDone = maxRetries - testCase.get("remaining_retries").asInt();
            double sdkBackoff = Math.min(0.5 * Math.pow(2, retriesDone), 8.0);
            if (expected == sdkBackoff) {
                continue;
            }
            Optional<Duration> ours = parse(testCase.get("headers"));
            assertEquals(Optional.of(Duration.ofMillis(Math.round(expected * 1000))), ours, testCase::toString);
            checked++;
        }
        assertEquals(8, checked, "cases in which the SDK honoured the server's wait");
    }

    /** The SDK retries a 429 exactly when the server's wait is within its cap; ours reads the same wait. */
    @Test
    void theSdksRetryDecisionsFollowFromTheWaitWeRead() throws IOException {
        JsonNode fixture = new ObjectMapper().readTree(sdkCases());
        for (JsonNode testCase : fixture.get("should_retry_429_cases")) {
            Duration wait = parse(testCase.get("headers")).orElseThrow();
            assertEquals(testCase.get("retried").asBoolean(), wait.compareTo(SDK_CAP) <= 0, testCase::toString);
        }
    }

    private static Optional<Duration> parse(JsonNode headers) {
        return RetryAfter.parse(Optional.ofNullable(headers.get("retry-after-ms")).map(JsonNode::asText),
                Optional.ofNullable(headers.get("retry-after")).map(JsonNode::asText), NOW);
    }

    /** openai-python's own test cases (provenance in src/test/resources/fixtures/SOURCES.md). */
    private static byte[] sdkCases() throws IOException {
        try (InputStream in = RetryAfterTest.class.getResourceAsStream("/fixtures/retry-after-sdk-cases.json")) {
            if (in == null) {
                throw new IOException("fixture retry-after-sdk-cases.json is missing");
            }
            return in.readAllBytes();
        }
    }
}
