package io.llmclient.bootstrap.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DotEnvFileTest {

    @Test
    void readsKeyValueLinesSkippingCommentsAndBlanks() {
        assertEquals(Map.of("A", "1", "B", "two"), DotEnvFile.parse(List.of("# comment", "", "A=1", "  B = two  ")));
    }

    @Test
    void stripsMatchingQuotesAndKeepsWhatIsInside() {
        assertEquals(Map.of("A", "x # not a comment", "B", "single"),
                DotEnvFile.parse(List.of("A=\"x # not a comment\"", "B='single'")));
    }

    @Test
    void dropsTrailingCommentOfUnquotedValueAndExportPrefix() {
        assertEquals(Map.of("A", "1"), DotEnvFile.parse(List.of("export A=1 # the answer")));
    }

    @Test
    void refusesALineWithoutEqualsNamingOnlyItsNumber() {
        var error = assertThrows(IllegalArgumentException.class,
                () -> DotEnvFile.parse(List.of("A=1", "sk-pasted-secret")));
        assertEquals("line 2 must be KEY=VALUE", error.getMessage());
    }
}
