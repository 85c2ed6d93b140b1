package io.llmclient.inbound.support.http10;

import io.helidon.common.buffers.BufferData;
import io.helidon.common.buffers.DataWriter;
import java.io.ByteArrayOutputStream;

/** Writes Helidon's HTTP/1.1 response to an HTTP/1.0 client through a {@link ResponseTranslation}. */
final class TranslatingWriter implements DataWriter {
    private final DataWriter client;
    private final ResponseTranslation response;

    TranslatingWriter(DataWriter client, ResponseTranslation response) {
        this.client = client;
        this.response = response;
    }

    @Override
    public synchronized void write(BufferData... buffers) {
        BufferData out = translated(buffers);
        if (out != null) {
            client.write(out);
        }
    }

    @Override
    public synchronized void write(BufferData buffer) {
        write(new BufferData[] {buffer});
    }

    @Override
    public synchronized void writeNow(BufferData... buffers) {
        BufferData out = translated(buffers);
        if (out != null) {
            client.writeNow(out);
        }
    }

    @Override
    public synchronized void writeNow(BufferData buffer) {
        writeNow(new BufferData[] {buffer});
    }

    @Override
    public void flush() {
        client.flush();
    }

    // Null when nothing is left to send (a chunk's framing, an interim response).
    private BufferData translated(BufferData... buffers) {
        var out = new ByteArrayOutputStream();
        for (BufferData buffer : buffers) {
            out.writeBytes(response.translate(buffer.readBytes()));
        }
        return out.size() == 0 ? null : BufferData.create(out.toByteArray());
    }
}
