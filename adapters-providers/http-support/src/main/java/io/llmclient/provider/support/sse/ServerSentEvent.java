package io.llmclient.provider.support.sse;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * One dispatched event of a {@code text/event-stream}: its type ({@value #DEFAULT_TYPE} when the
 * stream named none), its data (the {@code data} lines joined by LF) and the last event id seen
 * so far ({@code ""} until an {@code id} field sets one, as the WHATWG "last event ID buffer").
 *
 * <p>The data is kept as the UTF-8 bytes the stream carried, and decoded to text only when
 * {@link #data()} is first asked for: a decoder that parses JSON reads {@link #parsableData()},
 * which is those bytes as they are in the usual case, without a string per event
 * (docs/decisions.md 50). Two events are equal when their type, text and id are.
 */
public final class ServerSentEvent {
    /** The type of an event whose stream gave no {@code event:} field. */
    public static final String DEFAULT_TYPE = "message";

    private final String type;
    private final byte[] utf8;
    private final String lastEventId;
    /** The data decoded, once asked for. */
    private String text;

    private ServerSentEvent(String type, byte[] utf8, String text, String lastEventId) {
        this.type = Objects.requireNonNull(type, "type");
        this.utf8 = Objects.requireNonNull(utf8, "data");
        this.text = text;
        this.lastEventId = Objects.requireNonNull(lastEventId, "lastEventId");
    }

    /** An event of the given type, data and last event id. */
    public ServerSentEvent(String type, String data, String lastEventId) {
        this(type, Objects.requireNonNull(data, "data").getBytes(StandardCharsets.UTF_8), data, lastEventId);
    }

    /** An event of the given type and data with no event id, as most providers send them. */
    public static ServerSentEvent of(String type, String data) {
        return new ServerSentEvent(type, data, "");
    }

    /** The reader's event: {@code utf8} is the data as the stream carried it, owned by the event from now on. */
    static ServerSentEvent ofUtf8(String type, byte[] utf8, String lastEventId) {
        return new ServerSentEvent(type, utf8, null, lastEventId);
    }

    /** The event's type. */
    public String type() {
        return type;
    }

    /** The event's data as text (malformed UTF-8 replaced, as the WHATWG decoding does). */
    public String data() {
        String decoded = text;
        if (decoded == null) {
            decoded = new String(utf8, StandardCharsets.UTF_8);
            text = decoded;
        }
        return decoded;
    }

    /**
     * The data as UTF-8 for a parser, saying exactly what {@link #data()} says: the bytes the stream
     * carried when all are ASCII (not a copy, so not to be changed), else the decoded text encoded
     * again. Why not always the carried bytes: a byte parser and the WHATWG decoding differ on
     * malformed UTF-8 (an encoded surrogate or an overlong NUL passes one and is replaced by the
     * other), and the text is what the stream says.
     */
    public byte[] parsableData() {
        return asciiData() ? utf8 : data().getBytes(StandardCharsets.UTF_8);
    }

    /** The data's bytes as the stream carried them; for tests. */
    byte[] dataUtf8() {
        return utf8;
    }

    /** Whether every byte of the data is ASCII, so that the bytes and the text say the same. */
    boolean asciiData() {
        for (byte b : utf8) {
            if (b < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the data is exactly {@code ascii} (an ASCII text such as {@code [DONE]}), without decoding it. */
    public boolean dataIs(String ascii) {
        if (utf8.length != ascii.length()) {
            return false;
        }
        for (int i = 0; i < utf8.length; i++) {
            if (utf8[i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** The last event id seen so far, {@code ""} when none. */
    public String lastEventId() {
        return lastEventId;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ServerSentEvent event && type.equals(event.type)
                && lastEventId.equals(event.lastEventId)
                && (Arrays.equals(utf8, event.utf8) || data().equals(event.data()));
    }

    @Override
    public int hashCode() {
        return Objects.hash(type, data(), lastEventId);
    }

    @Override
    public String toString() {
        return "ServerSentEvent[type=" + type + ", data=" + data() + ", lastEventId=" + lastEventId + "]";
    }
}
