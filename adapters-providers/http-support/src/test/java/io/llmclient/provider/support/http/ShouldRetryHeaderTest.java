package io.llmclient.provider.support.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ShouldRetryHeaderTest {

    @ParameterizedTest(name = "\"{0}\" -> {1}")
    @CsvSource(nullValues = "none", value = {"true, true", "FALSE, false", "' false ', false", "yes, none", "'', none"})
    void onlyTrueOrFalseSayAnything(String value, Boolean expected) {
        assertEquals(Optional.ofNullable(expected), ShouldRetryHeader.parse(value));
    }
}
