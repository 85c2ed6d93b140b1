package io.llmclient.inbound.support.http10;

import io.helidon.common.buffers.DataReader;
import java.io.ByteArrayOutputStream;
import java.util.Arrays;
import java.util.function.Supplier;

/**
 * What Helidon's HTTP/1.1 connection reads from an HTTP/1.0 client: the request head rewritten
 * by {@link RequestHead}, then the client's bytes as they come, and the end of input once the
 * response has been written whole, so that the connection is closed right after its one answer
 * (the end of a body sent without a length, for the client).
 */
final class RequestBytes implements Supplier<byte[]> {
    private final DataReader client;
    private final int maxHead;
    private final String defaultHost;
    private final ResponseTranslation response;
    private boolean headRead;

    /**
     * @param client      the connection's reader, holding the first bytes the selector looked at
     * @param maxHead     the longest head rewritten; a longer one is Helidon's to refuse
     * @param defaultHost the {@code Host} to add to a request without one
     * @param response    the response being written on this connection
     */
    RequestBytes(DataReader client, int maxHead, String defaultHost, ResponseTranslation response) {
        this.client = client;
        this.maxHead = maxHead;
        this.defaultHost = defaultHost;
        this.response = response;
    }

    @Override
    public byte[] get() {
        if (response.ended()) {
            // One request per HTTP/1.0 connection: Helidon's next read finds the end and closes it.
            return null;
        }
        if (!headRead) {
            headRead = true;
            return head();
        }
        return fromClient();
    }

    private byte[] head() {
        var seen = new ByteArrayOutputStream();
        while (true) {
            byte[] more = fromClient();
            if (more == null) {
                // The client stopped mid-head: Helidon finds the head incomplete.
                return seen.size() == 0 ? null : seen.toByteArray();
            }
            seen.writeBytes(more);
            byte[] bytes = seen.toByteArray();
            int end = RequestHead.end(bytes, bytes.length);
            if (end >= 0) {
                byte[] head = RequestHead.rewrite(Arrays.copyOf(bytes, end), defaultHost);
                byte[] all = Arrays.copyOf(head, head.length + bytes.length - end);
                System.arraycopy(bytes, end, all, head.length, bytes.length - end);
                return all;
            }
            if (bytes.length > maxHead) {
                // Longer than Helidon takes: passed on with its version rewritten, for Helidon to refuse.
                return RequestHead.rewriteRequestLine(bytes);
            }
        }
    }

    private byte[] fromClient() {
        try {
            client.ensureAvailable();
        } catch (DataReader.InsufficientDataAvailableException closed) {
            return null;
        }
        return client.readBytes(client.available());
    }
}
