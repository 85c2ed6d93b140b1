package io.llmclient.provider.support.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EventStreamReaderTest {

    private static EventStreamReader reader(String stream) {
        return new EventStreamReader(new ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8)));
    }

    private static List<ServerSentEvent> all(String stream) throws IOException {
        var reader = reader(stream);
        var events = new ArrayList<ServerSentEvent>();
        for (Optional<ServerSentEvent> next = reader.next(); next.isPresent(); next = reader.next()) {
            events.add(next.get());
        }
        return events;
    }

    private static List<String> data(String stream) throws IOException {
        return all(stream).stream().map(ServerSentEvent::data).toList();
    }

    @Test
    void aBlankLineDispatchesTheEventWithItsTypeAndData() throws IOException {
        assertEquals(List.of(ServerSentEvent.of("ping", "{\"type\": \"ping\"}")),
                all("event: ping\ndata: {\"type\": \"ping\"}\n\n"));
    }

    @Test
    void anEventWithoutATypeIsAMessage() throws IOException {
        assertEquals(List.of(ServerSentEvent.of(ServerSentEvent.DEFAULT_TYPE, "x")), all("data: x\n\n"));
    }

    @Test
    void theTypeDoesNotCarryOverToTheNextEvent() throws IOException {
        assertEquals(List.of("error", "message"),
                all("event: error\ndata: a\n\ndata: b\n\n").stream().map(ServerSentEvent::type).toList());
    }

    @Test
    void dataLinesAreJoinedWithLineFeeds() throws IOException {
        assertEquals(List.of("first\nsecond\n"), data("data: first\ndata:second\ndata:\n\n"));
    }

    @Test
    void crLfAndLoneCrEndLinesAsLfDoes() throws IOException {
        assertEquals(List.of("a", "b", "c\nd", "e"),
                data("data: a\r\n\r\ndata: b\r\rdata: c\ndata: d\r\n\ndata: e\r\n\r\n"));
    }

    @Test
    void commentsAreSkippedAndDispatchNothing() throws IOException {
        assertEquals(List.of("x"), data(": keep-alive\n\n:another\ndata: x\n: inside\n\n"));
    }

    @Test
    void onlyTheFirstSpaceAfterTheColonIsDropped() throws IOException {
        assertEquals(List.of("  two spaces", "none"), data("data:   two spaces\n\ndata:none\n\n"));
    }

    @Test
    void aFieldWithoutAColonHasAnEmptyValue() throws IOException {
        assertEquals(List.of("\nafter"), data("data\ndata: after\n\n"));
    }

    @Test
    void aLoneDataFieldWithoutAColonDispatchesAnEmptyEvent() throws IOException {
        assertEquals(List.of(""), data("data\n\n"));
    }

    @Test
    void anEventWithoutDataIsNotDispatchedAndItsTypeIsForgotten() throws IOException {
        assertEquals(List.of(ServerSentEvent.of(ServerSentEvent.DEFAULT_TYPE, "kept")),
                all("event: lonely\n\nid\n\ndata: kept\n\n"));
    }

    @Test
    void anEventCutOffByTheEndOfTheStreamIsDiscarded() throws IOException {
        assertEquals(List.of("complete"), data("data: complete\n\ndata: [DONE]"));
        assertEquals(List.of("complete"), data("data: complete\n\ndata: [DONE]\n"));
    }

    @Test
    void theLastEventIdCarriesOverToLaterEventsUntilAnEmptyIdClearsIt() throws IOException {
        var events = all("id: 7\nevent: chunk\ndata: a\n\ndata: b\n\nid\ndata: c\n\n");
        assertEquals(List.of(new ServerSentEvent("chunk", "a", "7"), new ServerSentEvent("message", "b", "7"),
                new ServerSentEvent("message", "c", "")), events);
    }

    @Test
    void anIdHoldingNulIsIgnored() throws IOException {
        assertEquals(List.of("7"), all("id: 7\n\nid: 8\u0000\ndata: x\n\n").stream()
                .map(ServerSentEvent::lastEventId).toList());
    }

    @Test
    void retryAndUnknownFieldsAreIgnored() throws IOException {
        assertEquals(List.of(ServerSentEvent.of("t", "z")), all("retry: 1000\nretry: soon\nfoo: bar\nevent: t\ndata: z\n\n"));
    }

    @Test
    void aLeadingByteOrderMarkIsDropped() throws IOException {
        assertEquals(List.of(ServerSentEvent.of("message_stop", "{}")), all("\uFEFFevent: message_stop\ndata: {}\n\n"));
    }

    @Test
    void aByteOrderMarkAfterTheFirstLineIsNotDropped() throws IOException {
        assertEquals(List.of("x"), data("\n\uFEFFdata: y\n\ndata: x\n\n"));
    }

    @Test
    void anEmptyFirstLineIsJustABlankLine() throws IOException {
        assertEquals(List.of("x"), data("\ndata: x\n\n"));
    }

    @Test
    void anEmptyStreamHasNoEventsHoweverOftenItIsAsked() throws IOException {
        var reader = reader("");
        assertEquals(Optional.empty(), reader.next());
        assertEquals(Optional.empty(), reader.next());
    }

    @Test
    void multiByteCharactersSurviveDecoding() throws IOException {
        assertEquals(List.of("café ☕ 日本"), data("data: café ☕ 日本\r\n\r\n"));
    }

    @Test
    void aLineBeyondTheLimitIsRefused() {
        byte[] huge = new byte[EventStreamReader.MAX_LINE_BYTES + 10];
        Arrays.fill(huge, (byte) 'a');
        var reader = new EventStreamReader(new ByteArrayInputStream(huge));
        assertThrows(IOException.class, reader::next);
    }

    @Test
    void anEventIsReturnedBeforeTheRestOfTheStreamHasArrived() throws IOException {
        var upstream = new PipedOutputStream();
        var reader = new EventStreamReader(new PipedInputStream(upstream));
        // Ends in a lone CR: a reader that waited to see whether an LF follows would block here.
        upstream.write("event: content_block_delta\rdata: {\"text\":\"Hel\"}\r\r".getBytes(StandardCharsets.UTF_8));
        upstream.flush();
        // The writer stays open: a reader that waited for more input would block until the guard fires.
        Optional<ServerSentEvent> first = assertTimeoutPreemptively(Duration.ofSeconds(5), reader::next);
        assertEquals(Optional.of(ServerSentEvent.of("content_block_delta", "{\"text\":\"Hel\"}")), first);
        upstream.write("\ndata: second\r\n\r\n".getBytes(StandardCharsets.UTF_8));
        upstream.close();
        assertEquals("second", reader.next().orElseThrow().data());
        assertTrue(reader.next().isEmpty());
    }
}
