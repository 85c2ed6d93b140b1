package io.llmclient.provider.gemini;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.llmclient.application.provider.ApiKey;
import io.llmclient.domain.chat.FinishReason;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/** The pure pieces: finish reasons, wait hints, key scrubbing. */
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
        assertEquals(Optional.of(Duration.ofNanos(nanos)), GeminiErrors.protoDuration(text));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @ValueSource(strings = {"", "56", "-1s", "abc", "1.2345678901s", "56 seconds"})
    void aRetryDelayThatIsNotAProtobufDurationIsIgnored(String text) {
        assertEquals(Optional.empty(), GeminiErrors.protoDuration(text));
    }

    @Test
    void theScrubberMasksTheWholeKeyAndAnyEightCharacterRunOfIt() {
        var scrubber = new KeyScrubber(Optional.of(new ApiKey("AIzaSyD-secret-key-0123456789")));
        String whole = scrubber.scrub("bad key AIzaSyD-secret-key-0123456789 given");
        String part = scrubber.scrub("bad key AIzaSyD-secr… given");
        assertFalse(whole.contains("AIzaSyD-"), whole);
        assertTrue(whole.contains("6789"), "the last four may stay, as the contract allows");
        assertFalse(part.contains("AIzaSyD-secr"), part);
    }
}
