package io.llmclient.inbound.support.disconnect;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.helidon.webserver.CloseConnectionException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** On real loopback connections and this machine's own TCP tables (Linux), looked at every 20 ms. */
class ClientDisconnectsTest {
    private static final Duration TICK = Duration.ofMillis(20);
    private static final Duration LONG_WAIT = Duration.ofSeconds(30);

    private ServerSocket listener;
    private Socket client;
    private Socket accepted;

    @BeforeEach
    void connect() throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        client = new Socket(InetAddress.getLoopbackAddress(), listener.getLocalPort());
        accepted = listener.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        accepted.close();
        listener.close();
    }

    private static ClientDisconnects watchingThisMachine() {
        var tables = ClientDisconnects.procTables();
        assumeTrue(tables.isPresent(), "the kernel's TCP tables cannot be read here (not Linux)");
        return new ClientDisconnects(tables.get(), TICK, TICK);
    }

    /** A provider wait as the service has one: interruptible, and a CancellationException when interrupted. */
    private static Supplier<String> waiting(Duration howLong) {
        return () -> {
            try {
                Thread.sleep(howLong);
                return "answered";
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
                throw new CancellationException("call cancelled by the caller");
            }
        };
    }

    private <T> T watched(ClientDisconnects disconnects, Supplier<T> call) {
        return disconnects.whileWaiting(accepted.getLocalSocketAddress(), accepted.getRemoteSocketAddress(), call);
    }

    private void closeClientIn(Duration delay, boolean reset) {
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(delay);
                if (reset) {
                    client.setSoLinger(true, 0);
                }
                client.close();
            } catch (InterruptedException | IOException ignored) {
                // The test fails on its own assertions.
            }
        });
    }

    @Test
    void aCallWhoseClientClosedItsConnectionIsCancelledAndAnsweredByClosingIt() {
        ClientDisconnects disconnects = watchingThisMachine();
        closeClientIn(Duration.ofMillis(100), false);
        var gone = assertThrows(CloseConnectionException.class, () -> watched(disconnects, waiting(LONG_WAIT)));
        assertInstanceOf(CancellationException.class, gone.getCause());
        assertFalse(Thread.interrupted(), "the interrupt meant for the call was cleared");
    }

    @Test
    void aClientThatResetsItsConnectionAfterItWasSeenIsNoticedToo() {
        ClientDisconnects disconnects = watchingThisMachine();
        // Reset: the connection leaves the table at once instead of going to CLOSE_WAIT.
        closeClientIn(Duration.ofMillis(300), true);
        assertThrows(CloseConnectionException.class, () -> watched(disconnects, waiting(LONG_WAIT)));
        assertFalse(Thread.interrupted());
    }

    @Test
    void aCallWhoseClientStaysRunsToItsEnd() {
        ClientDisconnects disconnects = watchingThisMachine();
        assertEquals("answered", watched(disconnects, waiting(Duration.ofMillis(300))));
        assertFalse(Thread.interrupted());
    }

    @Test
    void aFailureOfACallWhoseClientStaysPassesUnchanged() {
        ClientDisconnects disconnects = watchingThisMachine();
        var failure = new IllegalStateException("the call's own");
        assertSame(failure, assertThrows(IllegalStateException.class, () -> watched(disconnects, () -> {
            throw failure;
        })));
    }

    @Test
    void aConnectionNeverSeenInTheTableIsLeftAlone() {
        // A table that lists nothing: a mismatch between the socket's addresses and the table's must
        // not cancel anything.
        var disconnects = new ClientDisconnects(() -> "", TICK, TICK);
        assertEquals("answered", watched(disconnects, waiting(Duration.ofMillis(300))));
    }

    @Test
    void aTableThatCannotBeReadCancelsNothing() {
        var disconnects = new ClientDisconnects(() -> {
            throw new IOException("refused");
        }, TICK, TICK);
        closeClientIn(Duration.ZERO, false);
        assertEquals("answered", watched(disconnects, waiting(Duration.ofMillis(300))));
    }

    @Test
    void switchedOffItWatchesNothing() {
        ClientDisconnects off = ClientDisconnects.off();
        assertFalse(off.on());
        closeClientIn(Duration.ZERO, false);
        assertEquals("answered", watched(off, waiting(Duration.ofMillis(300))));
    }

    @Test
    void theSweeperStopsOnceNoCallWaits() throws InterruptedException {
        ClientDisconnects disconnects = watchingThisMachine();
        watched(disconnects, () -> "quick");
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (disconnects.sweeping() && System.nanoTime() < until) {
            Thread.sleep(TICK);
        }
        assertFalse(disconnects.sweeping());
    }

    @Test
    void onThisMachineTheWatchIsOn() {
        assumeTrue(ClientDisconnects.procTables().isPresent());
        assertTrue(ClientDisconnects.fromProc().on());
    }

    @Test
    void theEndsOfAnAcceptedSocketAreFoundInTheTable() throws IOException {
        var tables = ClientDisconnects.procTables();
        assumeTrue(tables.isPresent());
        var ends = ProcNetTcp.Ends.of(accepted.getLocalSocketAddress(), accepted.getRemoteSocketAddress())
                .orElseThrow();
        assertEquals(ProcNetTcp.ESTABLISHED, ProcNetTcp.states(tables.get().read(),
                java.util.Set.of(((InetSocketAddress) accepted.getLocalSocketAddress()).getPort())).get(ends));
    }
}
