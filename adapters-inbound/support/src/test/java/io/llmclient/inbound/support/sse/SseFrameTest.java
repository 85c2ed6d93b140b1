package io.llmclient.inbound.support.sse;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SseFrameTest {

    private static String written(String value) throws IOException {
        var out = new ByteArrayOutputStream();
        SseFrame.writeData(out, value.getBytes(StandardCharsets.UTF_8));
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void aOneLineValueIsOneDataLineWithOneSpaceThenTheBlankLine() throws IOException {
        assertEquals("data: {\"a\":1}\n\n", written("{\"a\":1}"));
        assertEquals("data: \n\n", written(""));
        assertEquals("data:  two spaces kept\n\n", written(" two spaces kept"));
    }

    @Test
    void aValueWithLineBreaksIsOneDataLineEachTheSpaceOnlyBeforeTheFirst() throws IOException {
        assertEquals("data: a\ndata:b\ndata:c\n\n", written("a\nb\r\nc"));
        assertEquals("data: a\ndata:b\n\n", written("a\rb"));
        assertEquals("data: a\n\n", written("a\n"), "a final line break ends the last line, no empty line after it");
    }

    @Test
    void aOneLineEventGoesToTheBodyInThreeWrites() throws IOException {
        var writes = new ArrayList<String>();
        var out = new java.io.OutputStream() {
            @Override
            public void write(int b) {
                writes.add(String.valueOf((char) b));
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8));
            }
        };
        SseFrame.writeData(out, "{\"x\":true}".getBytes(StandardCharsets.UTF_8));
        assertEquals(List.of("data: ", "{\"x\":true}", "\n\n"), writes);
    }

    @Test
    void theFrameOfAnEventIsWhatWritingItGives() throws IOException {
        for (String value : List.of("{}", "", "a\nb", "x\r\n")) {
            assertEquals(written(value), EventStream.dataEvent(value.getBytes(StandardCharsets.UTF_8)).toString());
        }
    }
}
