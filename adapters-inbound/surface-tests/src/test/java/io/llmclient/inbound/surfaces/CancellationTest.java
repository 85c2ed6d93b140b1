package io.llmclient.inbound.surfaces;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.llmclient.inbound.support.testing.ModelScriptedProvider;
import io.llmclient.inbound.support.testing.RawClient;
import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Clients that hang up mid-stream: the provider must be stopped (its sink throws), every call
 * must end, and the active-request gauge must come back to where it was.
 */
class CancellationTest extends HttpTestSupport {
    private static final int STREAMS = 500;
    private static final String DRIP = "{\"jsonrpc\":\"2.0\",\"method\":\"llm.stream\",\"id\":1,\"params\":"
            + "{\"model\":\"drip-model\",\"messages\":[{\"role\":\"user\",\"content\":\"Hi\"}]}}";

    @Test
    void fiveHundredAbortedStreamsAllStopTheirProviderAndLeaveNothingActive() throws Exception {
        ModelScriptedProvider.Counted drip = server.fake.drip;
        int activeBefore = server.metrics.active("fake");
        int internalBefore = server.metrics.errors("InternalError");

        try (var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var done = new ArrayList<Future<?>>();
            for (int i = 0; i < STREAMS; i++) {
                done.add(clients.submit(() -> {
                    try (Socket socket = RawClient.post(server.port(), "/jsonrpc", DRIP, 0)) {
                        RawClient.readUntil(socket.getInputStream(), "data: {\"delta\":\"drip \"}");
                    } catch (IOException e) {
                        throw RawClient.unchecked(e);
                    }
                    return null;
                }));
            }
            for (Future<?> client : done) {
                get(client);
            }
        }

        RawClient.await(() -> drip.finished.get() == STREAMS, Duration.ofSeconds(60),
                "every provider call ended; finished " + drip.finished.get() + " of " + drip.started.get());
        assertEquals(STREAMS, drip.started.get());
        assertEquals(STREAMS, drip.sinkThrew.get(), "every provider saw its sink refuse the next delta");
        assertEquals(0, drip.ranToEnd.get(), "no stream ran on to its last delta");
        RawClient.await(() -> server.metrics.active("fake") == activeBefore, Duration.ofSeconds(10),
                "active requests back to " + activeBefore + ", now " + server.metrics.active("fake"));
        assertEquals(STREAMS, server.metrics.errors("ClientCancelled"));
        assertEquals(internalBefore, server.metrics.errors("InternalError"));
    }

    private static void get(Future<?> future) throws InterruptedException {
        try {
            future.get();
        } catch (ExecutionException e) {
            throw new AssertionError("a client failed", e.getCause());
        }
    }
}
