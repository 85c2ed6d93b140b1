package io.llmclient.provider.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.domain.chat.FinishReason;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The pure pieces: finish reasons and Gemini's own wait hint (RetryInfo). */
class GeminiMappingTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "STOP, STOP", "MAX_TOKENS, LENGTH",
            "SAFETY, CONTENT_FILTER", "RECITATION, CONTENT_FILTER", "BLOCKLIST, CONTENT_FILTER",
            "PROHIBITED_CONTENT, CONTENT_FILTER", "SPII, CONTENT_FILTER",
            "OTHER, ERROR", "LANGUAGE, ERROR", "MALFORMED_FUNCTION_CALL, ERROR", "FINISH_REASON_UNSPECIFIED, ERROR",
            "SOMETHING_NEW, ERROR"})
    void finishReasonsMapToTheContractsSet(String gemini, FinishReason expected) {
        assertEquals(expected, GeminiFinishReasons.map(gemini));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"56s, 56000000000", "0.539477544s, 539477544", "1.5s, 1500000000", "0s, 0"})
    void retryDelayIsReadAsAProtobufDuration(String text, long nanos) {
        assertEquals(Optional.of(Duration.ofNanos(nanos)), GeminiErrorMapper.protoDuration(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "56", "-1s", "abc", "1.2345678901s", "56 seconds"})
    void aRetryDelayThatIsNotAProtobufDurationIsIgnored(String text) {
        assertEquals(Optional.empty(), GeminiErrorMapper.protoDuration(text));
    }
}
