package io.llmclient.inbound.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.inbound.support.body.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** A content chunk made around its text is the same bytes as the chunk's tree serialised. */
class ContentChunksTest {
    private static final JsonCodec CODEC = new JsonCodec(1 << 20);
    private static final OpenAiShapes SHAPES = new OpenAiShapes(CODEC.nodes());
    private static final String ID = "chatcmpl-0123456789abcdef";
    private static final String MODEL = "gpt-4.1-mini";
    private static final long CREATED = 1_764_000_000L;

    private static void assertSameBytesAsTheTree(ContentChunks chunks, String text) {
        String expected = new String(CODEC.write(SHAPES.contentChunk(ID, MODEL, CREATED, text)), StandardCharsets.UTF_8);
        assertEquals(expected, new String(chunks.chunk(text), StandardCharsets.UTF_8), () -> "text " + text.codePoints()
                .mapToObj(Integer::toHexString).toList());
    }

    @Test
    void everyKindOfTextIsWrittenAsTheTreeWritesIt() {
        var chunks = new ContentChunks(CODEC, SHAPES, ID, MODEL, CREATED);
        for (String text : List.of("", "Hello", " world", "quote \" and backslash \\ and slash /",
                "line\nbreak\r\ttab\b\f", "\u0000\u0001\u001f\u007f", "caf\u00e9 \u4e16\u754c \u2028\u2029",
                "emoji \ud83d\ude00", "a lone \ud800 half", "\u0001content\u0001", "</script>")) {
            assertSameBytesAsTheTree(chunks, text);
        }
    }

    @Test
    void randomTextsAreWrittenAsTheTreeWritesThem() {
        var random = new Random(24);
        var chunks = new ContentChunks(CODEC, SHAPES, ID, MODEL, CREATED);
        List<String> texts = new ArrayList<>();
        for (int n = 0; n < 2_000; n++) {
            var text = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                // Mostly ASCII with its control characters, some two- and three-byte characters.
                int pick = random.nextInt(10);
                text.append((char) (pick < 7 ? random.nextInt(0x80) : pick < 9 ? 0x80 + random.nextInt(0x780)
                        : 0x800 + random.nextInt(0xd000)));
            }
            texts.add(text.toString());
        }
        texts.forEach(text -> assertSameBytesAsTheTree(chunks, text));
    }

    @Test
    void anIdOrModelWithCharactersToEscapeStillFramesTheText() {
        var chunks = new ContentChunks(CODEC, SHAPES, "chatcmpl-\"x\"", "model\\with\\slashes", CREATED);
        String expected = new String(CODEC.write(SHAPES.contentChunk("chatcmpl-\"x\"", "model\\with\\slashes", CREATED,
                "Hi")), StandardCharsets.UTF_8);
        assertEquals(expected, new String(chunks.chunk("Hi"), StandardCharsets.UTF_8));
    }
}
