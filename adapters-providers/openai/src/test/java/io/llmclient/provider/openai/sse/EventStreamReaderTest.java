package io.llmclient.provider.openai.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.llmclient.provider.openai.Fixtures;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventStreamReaderTest {

    private static List<ServerSentEvent> all(String stream) throws IOException {
        var reader = new EventStreamReader(new StringReader(stream));
        var events = new ArrayList<ServerSentEvent>();
        ServerSentEvent event;
        while ((event = reader.next()) != null) {
            events.add(event);
        }
        return events;
    }

    private static List<String> data(String stream) throws IOException {
        return all(stream).stream().map(ServerSentEvent::data).toList();
    }

    @Test
    void aBlankLineDispatchesTheDataBeforeIt() throws IOException {
        assertEquals(List.of("one", "two"), data("data: one\n\ndata: two\n\n"));
    }

    @Test
    void multipleDataLinesAreJoinedWithLineFeeds() throws IOException {
        assertEquals(List.of("first\nsecond\n"), data("data: first\ndata: second\ndata:\n\n"));
    }

    @Test
    void crLfAndLoneCrEndLinesLikeLf() throws IOException {
        assertEquals(List.of("a", "b", "c\nd"), data("data: a\r\n\r\ndata: b\r\rdata: c\ndata: d\r\n\n"));
    }

    @Test
    void commentLinesAreIgnoredAndDispatchNothing() throws IOException {
        assertEquals(List.of("x"), data(": keep-alive\n\n:another\ndata: x\n: inside\n\n"));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() throws IOException {
        assertEquals(List.of("  two spaces", "none"), data("data:   two spaces\n\ndata:none\n\n"));
    }

    @Test
    void aFieldWithoutColonHasAnEmptyValue() throws IOException {
        assertEquals(List.of("\nafter"), data("data\ndata: after\n\n"));
    }

    @Test
    void aLoneDataFieldWithoutColonDispatchesAnEmptyEvent() throws IOException {
        assertEquals(List.of(""), data("data\n\n"));
    }

    @Test
    void anEventWithoutDataIsNotDispatched() throws IOException {
        assertEquals(List.of("kept"), data("event: ping\n\nid: 3\n\ndata: kept\n\n"));
    }

    @Test
    void anEventCutOffByTheEndOfTheStreamIsDiscarded() throws IOException {
        assertEquals(List.of("complete"), data("data: complete\n\ndata: [DONE]"));
        assertEquals(List.of("complete"), data("data: complete\n\ndata: [DONE]\n"));
    }

    @Test
    void theEventTypeDefaultsToMessageAndResetsAfterEachEvent() throws IOException {
        var events = all("event: error\ndata: {}\n\ndata: next\n\n");
        assertEquals("error", events.get(0).type());
        assertEquals(ServerSentEvent.DEFAULT_TYPE, events.get(1).type());
    }

    @Test
    void theLastEventIdCarriesOverToLaterEvents() throws IOException {
        var events = all("id: 7\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
        assertEquals(List.of("7", "7", ""), events.stream().map(ServerSentEvent::lastEventId).toList());
    }

    @Test
    void retryAndUnknownFieldsAreIgnored() throws IOException {
        assertEquals(List.of("x"), data("retry: 1000\nretry: soon\nfoo: bar\ndata: x\n\n"));
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() throws IOException {
        assertEquals(List.of("x"), data("\uFEFFdata: x\n\n"));
    }

    @Test
    void anEmptyFirstLineIsJustABlankLine() throws IOException {
        assertEquals(List.of("x"), data("\ndata: x\n\n"));
    }

    @Test
    void anEmptyStreamHasNoEvents() throws IOException {
        var reader = new EventStreamReader(new StringReader(""));
        assertNull(reader.next());
        assertNull(reader.next());
    }

    @Test
    void theRecordedOpenAiStreamYieldsOneEventPerDataLine() throws IOException {
        byte[] fixture = Fixtures.bytes("chat-stream.sse");
        var reader = new EventStreamReader(new InputStreamReader(new java.io.ByteArrayInputStream(fixture),
                StandardCharsets.UTF_8));
        var events = new ArrayList<ServerSentEvent>();
        ServerSentEvent event;
        while ((event = reader.next()) != null) {
            events.add(event);
        }
        assertEquals(34, events.size());
        assertEquals("[DONE]", events.getLast().data());
        assertEquals(ServerSentEvent.DEFAULT_TYPE, events.getFirst().type());
    }
}
