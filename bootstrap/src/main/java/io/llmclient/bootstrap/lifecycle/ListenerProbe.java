package io.llmclient.bootstrap.lifecycle;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Tells when the listener stopped without being asked to. Helidon 4.5 stops a listener for good
 * on any error of {@code accept} ("Too many open files", say) and closes its port, while the
 * process lives on; an orchestrator then sees a live process that refuses every connection. (Its
 * stop also waits on itself, so Helidon's own after-stop callbacks never run.) This probe connects
 * to the port every {@link #PERIOD}: a refused connection means the port is closed, and
 * {@link #lost()} completes so that {@code Main} exits non-zero and is restarted. A probe that
 * fails otherwise (no descriptor left, a full backlog) proves nothing and is tried again.
 */
public final class ListenerProbe {
    static final Duration PERIOD = Duration.ofSeconds(2);
    private static final int CONNECT_TIMEOUT_MILLIS = 1000;

    private final InetSocketAddress address;
    private final CompletableFuture<Void> lost = new CompletableFuture<>();
    private volatile boolean stopping;
    private final Thread prober;

    private ListenerProbe(InetSocketAddress address) {
        this.address = address;
        this.prober = Thread.ofVirtual().name("listener-probe").unstarted(this::probe);
    }

    /**
     * Starts probing the listener at {@code host:port}; a wildcard host is probed on loopback.
     */
    public static ListenerProbe start(String host, int port) throws IOException {
        InetAddress bound = InetAddress.getByName(host);
        InetAddress target = bound.isAnyLocalAddress() ? InetAddress.getLoopbackAddress() : bound;
        var probe = new ListenerProbe(new InetSocketAddress(target, port));
        probe.prober.start();
        return probe;
    }

    /** The service itself is stopping the listener: that stop is not a loss. */
    public void stopping() {
        stopping = true;
        prober.interrupt();
    }

    /** Completes when the listener's port was found closed while nobody was stopping it. */
    public CompletionStage<Void> lost() {
        return lost;
    }

    private void probe() {
        while (!stopping) {
            try {
                Thread.sleep(PERIOD);
            } catch (InterruptedException stop) {
                return;
            }
            try (var socket = new Socket()) {
                socket.connect(address, CONNECT_TIMEOUT_MILLIS);
            } catch (ConnectException refused) {
                if (!stopping) {
                    lost.complete(null);
                    return;
                }
            } catch (IOException inconclusive) {
                // No descriptor for the probe, or a backlog full of waiting clients: try again.
            }
        }
    }
}
