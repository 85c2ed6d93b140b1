package io.llmclient.provider.gemini.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SseReaderTest {

    private static List<SseEvent> readAll(String stream) throws IOException {
        return readAll(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<SseEvent> readAll(InputStream in) throws IOException {
        var reader = new SseReader(in);
        var events = new ArrayList<SseEvent>();
        for (Optional<SseEvent> next = reader.next(); next.isPresent(); next = reader.next()) {
            events.add(next.get());
        }
        return events;
    }

    private static List<String> data(List<SseEvent> events) {
        return events.stream().map(SseEvent::data).toList();
    }

    @Test
    void crlfCrlfFramingSeparatesEvents() throws IOException {
        assertEquals(List.of("{\"a\":1}", "{\"b\":2}"), data(readAll("data: {\"a\":1}\r\n\r\ndata: {\"b\":2}\r\n\r\n")));
    }

    @Test
    void lfAndLoneCrEndLinesToo() throws IOException {
        assertEquals(List.of("one", "two", "three"), data(readAll("data: one\n\ndata: two\r\rdata: three\r\n\n")));
    }

    @Test
    void dataLinesOfOneEventAreJoinedWithLineFeeds() throws IOException {
        assertEquals(List.of("first\nsecond\n"), data(readAll("data: first\ndata:second\ndata\n\n")));
    }

    @Test
    void onlyOneSpaceAfterTheColonIsDropped() throws IOException {
        assertEquals(List.of("  indented"), data(readAll("data:   indented\n\n")));
    }

    @Test
    void commentsAndUnknownFieldsAreIgnored() throws IOException {
        assertEquals(List.of("x"), data(readAll(": keep-alive\nretry: 10\nfoo: bar\ndata: x\n\n")));
    }

    @Test
    void anEventWithoutDataIsNotDispatched() throws IOException {
        var events = readAll("event: ping\n\ndata: x\n\n");
        assertEquals(1, events.size());
        assertEquals("message", events.getFirst().type(), "the event type does not leak into the next event");
    }

    @Test
    void theEventFieldNamesTheTypeAndTheIdIsRemembered() throws IOException {
        var events = readAll("id: 7\nevent: chunk\ndata: a\n\ndata: b\n\n");
        assertEquals(new SseEvent("chunk", "a", Optional.of("7")), events.get(0));
        assertEquals(new SseEvent("message", "b", Optional.of("7")), events.get(1));
    }

    @Test
    void anEventCutOffByTheEndOfTheStreamIsDiscarded() throws IOException {
        assertEquals(List.of("complete"), data(readAll("data: complete\n\ndata: cut off\n")));
    }

    @Test
    void aLeadingByteOrderMarkIsSkipped() throws IOException {
        assertEquals(List.of("x"), data(readAll("\uFEFFdata: x\n\n")));
    }

    @Test
    void multiByteCharactersSurviveDecoding() throws IOException {
        assertEquals(List.of("café ☕ 日本"), data(readAll("data: café ☕ 日本\r\n\r\n")));
    }

    @Test
    void aLineBeyondTheLimitIsRefused() {
        byte[] huge = new byte[SseReader.MAX_LINE_BYTES + 10];
        java.util.Arrays.fill(huge, (byte) 'a');
        assertThrows(IOException.class, () -> new SseReader(new ByteArrayInputStream(huge)).next());
    }

    @Test
    void anEventIsReturnedBeforeTheNextOneIsSent() throws IOException {
        var upstream = new PipedOutputStream();
        var reader = new SseReader(new PipedInputStream(upstream));
        upstream.write("data: first\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        upstream.flush();
        // Nothing more has been written: a reader that waited for more input would block here forever.
        assertEquals("first", reader.next().orElseThrow().data());
        upstream.write("data: second\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        upstream.close();
        assertEquals("second", reader.next().orElseThrow().data());
        assertTrue(reader.next().isEmpty());
    }
}
