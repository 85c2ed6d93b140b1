package io.llmclient.provider.support.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
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
    void onlyTheExactFieldNamesCountNotTheirPrefixesOrLongerNames() throws IOException {
        assertEquals(List.of(ServerSentEvent.of("t", "kept")),
                all("dat: no\ndatax: no\nData: no\nevents: no\neven: no\nidx: 9\nevent: t\ndata: kept\n\n"));
        assertEquals(List.of(new ServerSentEvent("message", "x", "")), all("i: 5\nevent\ndata:x\n\n"));
    }

    @Test
    void aSingleDataLineAndEveryLaterOneOfTheSameEventJoin() throws IOException {
        assertEquals(List.of("only", "a\n\nb", "", "c"), data("data: only\n\ndata:a\ndata\ndata: b\n\ndata:\n\ndata: c\n\n"));
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
    void theDataBytesAreTheLinesBytesAndTheTextIsTheirDecoding() throws IOException {
        byte[] stream = {'d', 'a', 't', 'a', ':', ' ', 'x', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF, '\n', '\n'};
        ServerSentEvent event = new EventStreamReader(new ByteArrayInputStream(stream)).next().orElseThrow();
        assertTrue(Arrays.equals(new byte[] {'x', (byte) 0xC3, (byte) 0xA9, (byte) 0xFF}, event.dataUtf8()));
        assertEquals("x\u00e9\ufffd", event.data(), "a malformed byte is replaced, as UTF-8 decoding does");
        assertFalse(event.asciiData());
        assertEquals(ServerSentEvent.of(ServerSentEvent.DEFAULT_TYPE, "x\u00e9\ufffd"), event,
                "equal to the event of the same text");
    }

    @Test
    void asciiDataAndAnExactAsciiValueAreToldWithoutDecoding() throws IOException {
        List<ServerSentEvent> events = all("data: [DONE]\n\ndata: [DONE] \n\ndata: caf\u00e9\n\n");
        assertTrue(events.get(0).dataIs("[DONE]"));
        assertTrue(events.get(0).asciiData());
        assertFalse(events.get(1).dataIs("[DONE]"), "a trailing space is another value");
        assertFalse(events.get(2).asciiData());
        assertFalse(events.get(2).dataIs("caf"));
    }

    @Test
    void aLineSpanningReadsKeepsItsBytesWholeInTheEvent() throws IOException {
        String value = "\u00e9".repeat(EventStreamReader.READ_BYTES) + "end";
        var reader = new EventStreamReader(new ByteArrayInputStream(("event: big\ndata: " + value
                + "\ndata: two\n\ndata: after\n\n").getBytes(StandardCharsets.UTF_8)));
        ServerSentEvent first = reader.next().orElseThrow();
        assertEquals(value + "\ntwo", first.data());
        assertEquals("big", first.type());
        assertTrue(Arrays.equals((value + "\ntwo").getBytes(StandardCharsets.UTF_8), first.dataUtf8()));
        assertEquals("after", reader.next().orElseThrow().data());
    }

    @Test
    void aLineBeyondTheLimitIsRefused() {
        byte[] huge = new byte[EventStreamReader.MAX_LINE_BYTES + 10];
        Arrays.fill(huge, (byte) 'a');
        var reader = new EventStreamReader(new ByteArrayInputStream(huge));
        assertThrows(IOException.class, reader::next);
    }

    @Test
    void aLineLongerThanOneReadIsJoinedAcrossReadsWithItsCharactersWhole() throws IOException {
        // 'é' is two bytes in UTF-8: with an odd prefix one of them straddles each read boundary.
        String text = "x" + "é".repeat(3 * EventStreamReader.READ_BYTES);
        assertEquals(List.of(text, "next"), data("data: " + text + "\r\n\r\ndata: next\n\n"));
    }

    @Test
    void aLineAtTheCapIsReadAndOneByteMoreIsRefused() throws IOException {
        var atCap = new EventStreamReader(new ByteArrayInputStream("data: 1234\n\n".getBytes(StandardCharsets.UTF_8)), 10);
        assertEquals("1234", atCap.next().orElseThrow().data());
        var over = new EventStreamReader(new ByteArrayInputStream("data: 12345\n\n".getBytes(StandardCharsets.UTF_8)), 10);
        assertThrows(IOException.class, over::next);
    }

    @Test
    void readsAskForNoMoreThanTheReadSizeSoAHeldStreamHoldsLittle() throws IOException {
        // Helidon's entity stream allocates a buffer of the size asked for on every read.
        var asked = new ArrayList<Integer>();
        var source = new ByteArrayInputStream(("data: " + "y".repeat(5000) + "\n\n").getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                asked.add(length);
                return super.read(buffer, offset, length);
            }
        };
        new EventStreamReader(source).next();
        assertTrue(asked.stream().allMatch(length -> length <= EventStreamReader.READ_BYTES), asked::toString);
    }

    @Test
    void skipRestCountsWhatWasAlreadyReadAheadAndReadsToTheEnd() throws IOException {
        byte[] stream = ("data: [DONE]\n\n" + "z".repeat(100)).getBytes(StandardCharsets.UTF_8);
        var tooMuch = new ByteArrayInputStream(stream);
        var first = new EventStreamReader(tooMuch);
        first.next();
        assertFalse(first.skipRest(99));
        var source = new ByteArrayInputStream(stream);
        var second = new EventStreamReader(source);
        second.next();
        assertTrue(second.skipRest(100));
        assertEquals(0, source.available());
    }

    @Test
    void anEventIsReturnedBeforeTheRestOfTheStreamHasArrived() throws IOException {
        var upstream = new TrickleInputStream();
        var reader = new EventStreamReader(upstream);
        // Ends in a lone CR: a reader that waited to see whether an LF follows would block here.
        upstream.send("event: content_block_delta\rdata: {\"text\":\"Hel\"}\r\r");
        // The stream stays open: a reader that waited for more input would block until the guard fires.
        Optional<ServerSentEvent> first = assertTimeoutPreemptively(Duration.ofSeconds(5), reader::next);
        assertEquals(Optional.of(ServerSentEvent.of("content_block_delta", "{\"text\":\"Hel\"}")), first);
        upstream.send("\ndata: second\r\n\r\n");
        upstream.end();
        assertEquals("second", reader.next().orElseThrow().data());
        assertTrue(reader.next().isEmpty());
    }

    // An input stream fed by the test, chunk by chunk, that blocks while empty. Unlike the JDK's
    // piped streams it does not care which thread reads, so a timeout guard's thread may read it.
    private static final class TrickleInputStream extends InputStream {
        private static final byte[] END = new byte[0];
        private final BlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
        private byte[] current = new byte[0];
        private int position;

        void send(String text) {
            chunks.add(text.getBytes(StandardCharsets.UTF_8));
        }

        void end() {
            chunks.add(END);
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            if (position == current.length) {
                if (current == END) {
                    return -1;
                }
                try {
                    current = chunks.take();
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted");
                }
                position = 0;
                if (current == END) {
                    return -1;
                }
            }
            int n = Math.min(length, current.length - position);
            System.arraycopy(current, position, buffer, offset, n);
            position += n;
            return n;
        }
    }

    // ---- What a large event holds (the shared response budget) ------------------------------

    @Test
    void eventsUpToTheFreeBytesAreNeverReported() throws IOException {
        var told = new ArrayList<Long>();
        String event = "data: " + "x".repeat(EventStreamReader.FREE_BYTES - 10) + "\n\n";
        var reader = new EventStreamReader(new ByteArrayInputStream(event.repeat(3).getBytes(StandardCharsets.UTF_8)),
                EventStreamReader.MAX_LINE_BYTES, told::add);
        while (reader.next().isPresent()) {
            // all three
        }
        assertEquals(List.of(), told);
    }

    @Test
    void aLargeEventIsReportedAsItGrowsAndGivenUpWhenTheNextEventIsAskedFor() throws IOException {
        var told = new ArrayList<Long>();
        String large = "data: " + "x".repeat(3 * EventStreamReader.FREE_BYTES) + "\n\n";
        var reader = new EventStreamReader(new ByteArrayInputStream((large + "data: y\n\n")
                .getBytes(StandardCharsets.UTF_8)), EventStreamReader.MAX_LINE_BYTES, told::add);
        assertEquals(3 * EventStreamReader.FREE_BYTES, reader.next().orElseThrow().data().length());
        assertTrue(told.size() > 1, () -> "reported as it grew: " + told);
        assertTrue(told.getLast() >= 3L * EventStreamReader.FREE_BYTES, () -> "the whole event: " + told);
        assertEquals("y", reader.next().orElseThrow().data());
        assertEquals(0L, told.getLast(), "the large event's bytes are given up");
    }

    @Test
    void aLargeEventOfManyDataLinesIsReportedWithTheLineFeedsThatJoinThem() throws IOException {
        var told = new ArrayList<Long>();
        String line = "x".repeat(EventStreamReader.FREE_BYTES / 2);
        String event = "data: " + line + "\ndata: " + line + "\ndata: " + line + "\n\n";
        var reader = new EventStreamReader(new ByteArrayInputStream(event.getBytes(StandardCharsets.UTF_8)),
                EventStreamReader.MAX_LINE_BYTES, told::add);
        assertEquals(line + "\n" + line + "\n" + line, reader.next().orElseThrow().data());
        assertTrue(told.contains(3L * line.length() + 2), () -> "the three lines joined: " + told);
    }

    @Test
    void aRefusalOfTheHoldingEndsTheReadWithItsException() {
        var refused = new IOException("budget full");
        String large = "data: " + "x".repeat(2 * EventStreamReader.FREE_BYTES) + "\n\n";
        var reader = new EventStreamReader(new ByteArrayInputStream(large.getBytes(StandardCharsets.UTF_8)),
                EventStreamReader.MAX_LINE_BYTES, bytes -> {
                    throw refused;
                });
        assertEquals(refused, assertThrows(IOException.class, reader::next));
    }

    // Whether, once the first event is read, the next one is at hand.
    private static boolean atHandAfterTheFirst(String body) throws IOException {
        EventStreamReader events = readerOf(body);
        events.next();
        return events.eventAtHand();
    }

    private static EventStreamReader readerOf(String body) {
        return new EventStreamReader(new java.io.ByteArrayInputStream(body.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void aWholeNextEventInWhatWasReadIsAtHand() throws IOException {
        EventStreamReader events = readerOf("data: one\n\ndata: two\n\n");
        assertEquals("one", events.next().orElseThrow().data());
        assertTrue(events.eventAtHand());
        assertEquals("two", events.next().orElseThrow().data());
        assertFalse(events.eventAtHand(), "nothing left");
    }

    @Test
    void aPartOfAnEventIsNotAtHand() throws IOException {
        assertFalse(atHandAfterTheFirst("data: one\n\ndata: tw"), "no blank line yet");
        assertFalse(atHandAfterTheFirst("data: one\n\ndata: two\n"),
                "its data line, but not the blank line that ends it");
    }

    @Test
    void anEventOfSeveralDataLinesIsAtHandOnlyOnceItsBlankLineIsIn() throws IOException {
        EventStreamReader whole = readerOf("data: one\n\ndata: a\ndata: b\n\n");
        whole.next();
        assertTrue(whole.eventAtHand());
        assertEquals("a\nb", whole.next().orElseThrow().data());
        assertFalse(atHandAfterTheFirst("data: one\n\ndata: a\ndata: b\n"), "its second line, but no blank line");
        assertFalse(atHandAfterTheFirst("data: one\n\ndata: a"), "its first line has not ended");
    }

    @Test
    void commentsAndEventsWithoutDataAreNotAtHandButAWholeEventAfterThemIs() throws IOException {
        assertFalse(atHandAfterTheFirst("data: one\n\n: ping\n\nevent: x\n\n"),
                "nothing here would be dispatched");
        assertTrue(atHandAfterTheFirst("data: one\n\n: ping\n\nevent: x\ndata\n\n"),
                "a bare data field dispatches an empty event");
        assertFalse(atHandAfterTheFirst("data: one\n\ndatum: x\n\n"), "datum is not data");
    }

    @Test
    void everyLineEndingEndsTheNextEventAsNextReadsIt() throws IOException {
        for (String end : List.of("\r\n", "\r", "\n")) {
            EventStreamReader events = readerOf("data: one" + end + end + "data: two" + end + end);
            events.next();
            assertTrue(events.eventAtHand(), () -> "line end " + end.replace("\r", "CR").replace("\n", "LF"));
            assertEquals("two", events.next().orElseThrow().data());
        }
        assertFalse(atHandAfterTheFirst("data: one\r\n\r\ndata: two\r\n"),
                "the CRLF after the blank line is no second blank line");
    }
}
