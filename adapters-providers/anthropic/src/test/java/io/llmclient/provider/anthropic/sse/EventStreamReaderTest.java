package io.llmclient.provider.anthropic.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamReaderTest {

    private static List<ServerSentEvent> all(String stream) throws IOException {
        var reader = new EventStreamReader(new StringReader(stream));
        var events = new ArrayList<ServerSentEvent>();
        for (ServerSentEvent event = reader.next(); event != null; event = reader.next()) {
            events.add(event);
        }
        return events;
    }

    private static List<String> data(String stream) throws IOException {
        return all(stream).stream().map(ServerSentEvent::data).toList();
    }

    @Test
    void aBlankLineDispatchesTheEventWithItsTypeAndData() throws IOException {
        assertEquals(List.of(new ServerSentEvent("ping", "{\"type\": \"ping\"}")),
                all("event: ping\ndata: {\"type\": \"ping\"}\n\n"));
    }

    @Test
    void anEventWithoutATypeIsAMessage() throws IOException {
        assertEquals(List.of(new ServerSentEvent("message", "x")), all("data: x\n\n"));
    }

    @Test
    void theTypeDoesNotCarryOverToTheNextEvent() throws IOException {
        assertEquals(List.of("error", "message"),
                all("event: error\ndata: a\n\ndata: b\n\n").stream().map(ServerSentEvent::type).toList());
    }

    @Test
    void dataLinesAreJoinedWithLineFeeds() throws IOException {
        assertEquals(List.of("first\nsecond\n"), data("data: first\ndata: second\ndata:\n\n"));
    }

    @Test
    void crLfAndLoneCrEndLinesAsLfDoes() throws IOException {
        assertEquals(List.of("a", "b", "c\nd"), data("data: a\r\n\r\ndata: b\r\rdata: c\ndata: d\r\n\n"));
    }

    @Test
    void commentsAreSkipped() throws IOException {
        assertEquals(List.of("x"), data(": keep-alive\n\ndata: x\n:inside\n\n"));
    }

    @Test
    void onlyTheFirstSpaceAfterTheColonIsDropped() throws IOException {
        assertEquals(List.of("  two", "none"), data("data:   two\n\ndata:none\n\n"));
    }

    @Test
    void aFieldWithoutAColonHasAnEmptyValue() throws IOException {
        assertEquals(List.of("\nafter"), data("data\ndata: after\n\n"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() throws IOException {
        assertEquals(List.of(new ServerSentEvent("message", "y")), all("event: lonely\n\ndata: y\n\n"));
    }

    @Test
    void idRetryAndUnknownFieldsAreIgnored() throws IOException {
        assertEquals(List.of(new ServerSentEvent("t", "z")), all("id: 7\nretry: 10\nfoo: bar\nevent: t\ndata: z\n\n"));
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() throws IOException {
        assertEquals(List.of(new ServerSentEvent("message_stop", "{}")), all("\uFEFFevent: message_stop\ndata: {}\n\n"));
    }

    @Test
    void anEventCutOffByTheEndOfTheStreamIsDiscarded() throws IOException {
        assertEquals(List.of("whole"), data("data: whole\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n"));
    }

    @Test
    void theEndOfTheStreamIsNull() throws IOException {
        assertNull(new EventStreamReader(new StringReader("")).next());
    }

    @Test
    void anEventIsReturnedBeforeTheRestOfTheStreamHasArrived() throws IOException {
        var wire = new PipedOutputStream();
        var in = new PipedInputStream(wire);
        var reader = new EventStreamReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        wire.write("event: content_block_delta\ndata: {\"text\":\"Hel\"}\n\n".getBytes(StandardCharsets.UTF_8));
        wire.flush();
        // The writer stays open: a reader that waited for more input would block here until the guard fires.
        ServerSentEvent first = assertTimeoutPreemptively(Duration.ofSeconds(5), reader::next);
        assertEquals(new ServerSentEvent("content_block_delta", "{\"text\":\"Hel\"}"), first);
        wire.close();
        assertNull(reader.next());
    }
}
