package io.llmclient.bootstrap.telemetry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SourceAgentLabelsTest {

    @Test
    void aWellFormedAgentNameIsKeptAsItIs() {
        assertEquals("planner-2.eu:west_1", new SourceAgentLabels(10).label("planner-2.eu:west_1"));
    }

    @Test
    void characterOutsideTheSafeSetBecomeUnderscores() {
        assertEquals("a_b_c__d_", new SourceAgentLabels(10).label("a b\"c{}d\u00e9"));
    }

    @Test
    void aLongNameIsCutToSixtyFourCharacters() {
        assertEquals("x".repeat(64), new SourceAgentLabels(10).label("x".repeat(300)));
    }

    @Test
    void aMissingOrBlankNameIsUnknown() {
        var labels = new SourceAgentLabels(10);
        assertEquals("unknown", labels.label(null));
        assertEquals("unknown", labels.label("   "));
    }

    @Test
    void onlyTheFirstDistinctNamesUpToTheCapGetTheirOwnValue() {
        var labels = new SourceAgentLabels(2);
        assertEquals("a", labels.label("a"));
        assertEquals("b", labels.label("b"));
        assertEquals("other", labels.label("c"));
        assertEquals("a", labels.label("a"), "an admitted name keeps its value");
        assertEquals("unknown", labels.label(null), "unknown never takes a place under the cap");
    }

    @Test
    void namesThatSanitiseAlikeShareOnePlace() {
        var labels = new SourceAgentLabels(1);
        assertEquals("a_b", labels.label("a b"));
        assertEquals("a_b", labels.label("a/b"));
    }
}
