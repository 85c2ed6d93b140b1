package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.inbound.support.limit.InboundLimits;
import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import io.llmclient.inbound.support.testing.RawClient;
import java.net.Socket;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A client that never reads: the service must not buffer without bound. Once the socket buffers
 * are full a write blocks; past the write limit the stream ends as a disconnect and the provider
 * is stopped.
 */
class BackPressureTest {
    private static final Duration WRITE_LIMIT = Duration.ofMillis(300);
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = new TestServer(new InboundLimits(TestServer.MAX_BYTES, WRITE_LIMIT));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aClientThatNeverReadsHasItsStreamEndedAndTheProviderStopped() throws Exception {
        ModelScriptedProvider.Counted flood = server.fake.flood;
        String request = "{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"id\":1,\"params\":"
                + "{\"model\":\"flood-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}";

        Socket neverRead = RawClient.post(server.port(), "/jsonrpc", request, 4096);
        try {
            RawClient.await(() -> flood.finished.get() == 1, Duration.ofSeconds(60),
                    "the provider call ended while the client still held its connection");
        } finally {
            neverRead.close();
        }

        assertEquals(1, flood.sinkThrew.get());
        assertEquals(0, flood.ranToEnd.get());
        RawClient.await(() -> server.metrics.active("fake") == 0, Duration.ofSeconds(10), "no request active");
        assertEquals(1, server.metrics.errors("ClientCancelled"));
    }

    @Test
    void anAnthropicStreamWhoseClientNeverReadsEndsTooAndTheServiceKeepsServing() throws Exception {
        ModelScriptedProvider.Counted flood = server.fake.flood;
        int finishedBefore = flood.finished.get();
        int threwBefore = flood.sinkThrew.get();
        String request = "{\"model\":\"flood-model\",\"max_tokens\":64,\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}";

        Socket neverRead = RawClient.post(server.port(), "/v1/messages", request, 4096);
        try {
            RawClient.await(() -> flood.finished.get() == finishedBefore + 1, Duration.ofSeconds(60),
                    "the provider call ended while the client still held its connection");
        } finally {
            neverRead.close();
        }

        assertEquals(threwBefore + 1, flood.sinkThrew.get());
        assertEquals(0, flood.ranToEnd.get());
        RawClient.await(() -> server.metrics.active("fake") == 0, Duration.ofSeconds(10), "no request active");
    }
}
